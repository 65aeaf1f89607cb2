/**
 * The activity log of evaluator actions: who, what, which study, when (to the second). Append-only
 * (the store has no way to change or delete an entry), exportable as CSV by admins. It records
 * users and what they did to the study, NEVER a respondent, an answer, a contact or a link token:
 * callers pass a few words (a file name, a role, a login) as `detail`.
 *
 * Every part of praksis logs through `recordActivity` (sends, contact uploads, audit imports and
 * publishing call it with their action from ACTIVITY_ACTIONS in src/storage/accounts.ts).
 */
import { toCsv } from '../export/csv.ts';
import type { TActivity, TActivityAction } from '../storage/accounts.ts';
import type { Actor } from './access.ts';
import type { Context } from './context.ts';

/** Control characters out, length capped: the log holds one line per entry. */
function clean(text: string, max: number): string {
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, max);
}

export async function recordActivity(ctx: Context, who: Actor | string, action: TActivityAction, what: { study?: string | null; detail?: string } = {}): Promise<void> {
  const entry: TActivity = {
    at: new Date().toISOString().slice(0, 19) + 'Z',
    who: clean(typeof who === 'string' ? who : who.login, 120),
    action,
    study: what.study && /^[a-z0-9][a-z0-9_-]{0,63}$/.test(what.study) ? what.study : null,
    detail: clean(what.detail ?? '', 300),
  };
  await ctx.store.users.log(entry);
}

/** The log, newest first (the log page). */
export async function activityLog(ctx: Context): Promise<TActivity[]> {
  return (await ctx.store.users.activity()).reverse();
}

/** The log as CSV, oldest first (formula-looking cells neutralised). */
export async function activityCsv(ctx: Context): Promise<{ filename: string; text: string }> {
  const rows = await ctx.store.users.activity();
  const text = toCsv(rows, [
    { label: 'tidspunkt', value: (r) => r.at },
    { label: 'bruger', value: (r) => r.who },
    { label: 'handling', value: (r) => r.action },
    { label: 'studie', value: (r) => r.study },
    { label: 'detaljer', value: (r) => r.detail },
  ]);
  return { filename: 'aktivitetslog.csv', text };
}
