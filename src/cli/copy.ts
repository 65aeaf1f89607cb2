/**
 * `praksis copy --from <where> --to <where>`: moves all of a store's data (responses, invitations
 * with their token hashes, drafts, windows, settings with the credential hashes and secrets)
 * between a data directory and a PostgreSQL database (or two of either). `<where>` is a directory
 * or a postgres:// URL. The target must be empty (no response, no fieldwork data, no settings: a
 * new directory, or a database that is new or only migrated); nothing is ever overwritten. Counts
 * and contents are compared after the copy. No server may run on either while it copies (the file
 * store's lock refuses one; stop the PostgreSQL instances yourself).
 * Exit 1 on a refused or failed copy; 2 on usage errors.
 */
import { isDeepStrictEqual } from 'node:util';
import type { TFieldworkData } from '../fieldwork/index.ts';
import { isPostgresUrl, openStore, type Store } from '../storage/index.ts';
import type { CliIo } from './main.ts';

const USAGE = 'usage: praksis copy --from <data-dir | postgres://…> --to <data-dir | postgres://…>';

const isUrl = (where: string) => /^postgres(ql)?:\/\//i.test(where);

function open(where: string): Promise<Store> {
  return isUrl(where) ? openStore({ databaseUrl: where }) : openStore(where);
}

/** The fieldwork document in one order, to compare two stores'. */
function canonical(data: TFieldworkData): TFieldworkData {
  const key = (x: object) => JSON.stringify(x);
  return {
    invitations: [...data.invitations].sort((a, b) => (key(a) < key(b) ? -1 : 1)),
    drafts: [...data.drafts].sort((a, b) => (key(a) < key(b) ? -1 : 1)),
    windows: Object.fromEntries(Object.entries(data.windows).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
}

/** What the target holds, or undefined when it is empty. */
async function contents(store: Store): Promise<string | undefined> {
  const responses = await store.responses.count();
  const fieldwork = await store.transfer.fieldworkData();
  const settings = Object.keys(await store.settings.read());
  const held = [
    responses > 0 ? `${responses} response(s)` : '',
    fieldwork.invitations.length + fieldwork.drafts.length + Object.keys(fieldwork.windows).length > 0 ? 'fieldwork data' : '',
    settings.length > 0 ? `settings (${settings.join(', ')})` : '',
  ].filter(Boolean);
  return held.length > 0 ? held.join(', ') : undefined;
}

export async function run(args: string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(USAGE);
    return 0;
  }
  const given = new Map<string, string>();
  for (let i = 0; i < args.length; i += 2) {
    const flag = args[i]!;
    const value = args[i + 1];
    if ((flag !== '--from' && flag !== '--to') || value === undefined || value.startsWith('--') || given.has(flag)) {
      io.err(`praksis copy: ${flag === '--from' || flag === '--to' ? `${flag} needs one value` : `unknown argument "${flag.startsWith('postgres') ? '(a URL)' : flag}"`}\n${USAGE}`);
      return 2;
    }
    given.set(flag, value);
  }
  const from = given.get('--from');
  const to = given.get('--to');
  if (!from || !to) {
    io.err(`praksis copy: both --from and --to are needed\n${USAGE}`);
    return 2;
  }
  for (const where of [from, to]) {
    if (isUrl(where) && !isPostgresUrl(where)) {
      io.err(`praksis copy: a database must be given as a PostgreSQL URL such as postgres://user:password@host:5432/praksis\n${USAGE}`);
      return 2;
    }
  }
  if (from === to) {
    io.err('praksis copy: --from and --to are the same place');
    return 2;
  }
  let source: Store | undefined;
  let target: Store | undefined;
  try {
    source = await open(from);
    target = await open(to);
    const held = await contents(target);
    if (held !== undefined) throw new Error(`${target.location} is not empty (it holds ${held}); praksis copy never overwrites: give a new directory or an empty database`);
    const [responses, fieldwork, settings] = [await source.responses.list(), await source.transfer.fieldworkData(), await source.settings.read()];
    io.out(`Copying ${responses.length} response(s), ${fieldwork.invitations.length} invitation(s), ${fieldwork.drafts.length} draft(s) and the settings from ${source.location} to ${target.location} …`);
    try {
      await target.settings.update((s) => Object.assign(s, structuredClone(settings)));
      await target.transfer.loadFieldworkData(fieldwork);
      await target.responses.addMany(responses);
    } catch (error) {
      throw new Error(`the copy failed part way (${(error as Error).message}); ${target.location} now holds part of the data: delete it (or drop the database) before trying again`, { cause: error });
    }
    // Checked after: the same responses (ids and content), fieldwork and settings.
    const copied = await target.responses.list();
    const byId = (list: typeof responses) => [...list].sort((a, b) => (a.id < b.id ? -1 : 1));
    const checks: string[] = [];
    if (copied.length !== responses.length) checks.push(`responses: ${copied.length} in the target, ${responses.length} in the source`);
    else if (!isDeepStrictEqual(byId(copied), byId(responses))) checks.push('responses: the same number but not the same content');
    if (!isDeepStrictEqual(canonical(await target.transfer.fieldworkData()), canonical(fieldwork))) checks.push('fieldwork data differs');
    if (!isDeepStrictEqual({ ...(await target.settings.read()) }, { ...settings })) checks.push('settings differ');
    if (checks.length > 0) throw new Error(`the copy in ${target.location} does not match the source: ${checks.join('; ')}`);
    io.out(
      `Copied and checked: ${copied.length} response(s), ${fieldwork.invitations.length} invitation(s), ${fieldwork.drafts.length} draft(s), ` +
        `${Object.keys(fieldwork.windows).length} window(s) and the settings. Point praksis at ${target.location} (retries of submissions sent before the copy are not recognised there).`,
    );
    return 0;
  } catch (error) {
    io.err(`praksis copy: ${(error as Error).message}`);
    return 1;
  } finally {
    await target?.close();
    await source?.close();
  }
}
