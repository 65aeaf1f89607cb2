/**
 * `praksis copy --from <where> --to <where>`: moves all of a store's data (responses, invitations
 * with their token hashes, drafts, windows, e-mail contacts, messages and texts, users with their
 * password hashes, API-key hashes, the activity log, audit records, settings with the credential
 * hashes and secrets, the studies made in praksis with their drafts, published versions and test
 * answers) between a data directory and a PostgreSQL database (or two of either).
 * Sessions and sign-in counters are not moved (everyone signs in again). `<where>` is a directory
 * or a postgres:// URL. The target must be empty (none of those kinds: a new directory, or a
 * database that is new or only migrated); nothing is ever overwritten. Counts and contents of
 * every kind are compared after the copy. No server may run on either while it copies (the file
 * store's lock refuses one; stop the PostgreSQL instances yourself).
 * Exit 1 on a refused or failed copy; 2 on usage errors.
 */
import { isDeepStrictEqual } from 'node:util';
import { isPostgresUrl, openStore, type Store } from '../storage/index.ts';
import type { CliIo } from './main.ts';

const USAGE = 'usage: praksis copy --from <data-dir | postgres://…> --to <data-dir | postgres://…>';

const isUrl = (where: string) => /^postgres(ql)?:\/\//i.test(where);

function open(where: string): Promise<Store> {
  return isUrl(where) ? openStore({ databaseUrl: where }) : openStore(where);
}

const sortedBy = <T>(list: readonly T[], key: (x: T) => string = (x) => JSON.stringify(x)) => [...list].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

/** Everything a store holds but its responses: one document per kind (TransferPort), and the settings. */
async function documents(store: Store) {
  return {
    fieldwork: await store.transfer.fieldworkData(),
    mail: await store.transfer.mailData(),
    accounts: await store.transfer.accountsData(),
    activity: await store.transfer.activityData(),
    audits: await store.transfer.auditData(),
    catalog: await store.catalog.data(),
    settings: { ...(await store.settings.read()) },
  };
}
type Documents = Awaited<ReturnType<typeof documents>>;

/**
 * The documents with every list whose order carries no meaning in one order, to compare two stores'
 * (the activity log and an audit's cases and events keep theirs: it is part of the data).
 */
function canonical(d: Documents): Documents {
  return {
    fieldwork: { invitations: sortedBy(d.fieldwork.invitations), drafts: sortedBy(d.fieldwork.drafts), windows: d.fieldwork.windows },
    mail: { contacts: sortedBy(d.mail.contacts), messages: sortedBy(d.mail.messages, (m) => m.id), texts: d.mail.texts },
    accounts: { users: sortedBy(d.accounts.users, (u) => u.id), keys: sortedBy(d.accounts.keys, (k) => k.id) },
    activity: d.activity,
    audits: d.audits,
    catalog: {
      studies: sortedBy(d.catalog.studies, (s) => s.settings.id),
      heads: sortedBy(d.catalog.heads, (h) => `${h.study}/${h.questionnaire}`),
      versions: sortedBy(d.catalog.versions, (v) => `${v.study}/${v.questionnaire}/${String(v.version).padStart(9, '0')}`),
      tests: sortedBy(d.catalog.tests, (t) => t.id),
    },
    settings: d.settings,
  };
}

/** What the documents hold, kind by kind, in words (only the kinds that hold something). */
function counts(d: Documents): string[] {
  const audits = Object.values(d.audits.audits);
  const n = (count: number, one: string, many = `${one}s`) => (count > 0 ? `${count} ${count === 1 ? one : many}` : '');
  return [
    n(d.fieldwork.invitations.length, 'invitation'),
    n(d.fieldwork.drafts.length, 'draft'),
    n(Object.keys(d.fieldwork.windows).length, 'window'),
    n(d.mail.contacts.length, 'contact'),
    n(d.mail.messages.length, 'e-mail message'),
    n(Object.keys(d.mail.texts).length, 'set of mail texts', 'sets of mail texts'),
    n(d.accounts.users.length, 'user'),
    n(d.accounts.keys.length, 'API key'),
    n(d.activity.length, 'activity log entry', 'activity log entries'),
    audits.length > 0 ? `${n(audits.length, 'audit')} (${audits.reduce((s, a) => s + a.cases.length, 0)} case(s), ${audits.reduce((s, a) => s + a.events.length, 0)} event(s))` : '',
    n(d.catalog.studies.length, 'study', 'studies'),
    d.catalog.heads.length > 0 ? `${n(d.catalog.heads.length, 'questionnaire head')} (${d.catalog.heads.filter((h) => h.draft !== null).length} with a draft)` : '',
    n(d.catalog.versions.length, 'published version'),
    n(d.catalog.tests.length, 'test answer'),
    Object.keys(d.settings).length > 0 ? `settings (${Object.keys(d.settings).join(', ')})` : '',
  ].filter(Boolean);
}

/** The kinds whose documents differ between two stores. */
function differences(copied: Documents, source: Documents): string[] {
  const a = canonical(copied);
  const b = canonical(source);
  const names: Record<keyof Documents, string> = { fieldwork: 'fieldwork data', mail: 'e-mail data', accounts: 'users and keys', activity: 'the activity log', audits: 'audit records', catalog: 'studies and questionnaires', settings: 'settings' };
  return (Object.keys(names) as (keyof Documents)[]).filter((k) => !isDeepStrictEqual(a[k], b[k])).map((k) => `${names[k]} differ${k === 'activity' ? 's' : ''}`);
}

const NOT_COPIED = 'Sessions and sign-in counters are not copied: everyone signs in again.';

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
    const responsesHeld = await target.responses.count();
    const held = [responsesHeld > 0 ? `${responsesHeld} response(s)` : '', ...counts(await documents(target))].filter(Boolean);
    if (held.length > 0) throw new Error(`${target.location} is not empty (it holds ${held.join(', ')}); praksis copy never overwrites: give a new directory or an empty database`);
    const responses = await source.responses.list();
    const data = await documents(source);
    const what = [`${responses.length} response(s)`, ...counts(data)].join(', ');
    io.out(`Copying ${what} from ${source.location} to ${target.location} …`);
    try {
      await target.settings.update((s) => Object.assign(s, structuredClone(data.settings)));
      await target.transfer.loadFieldworkData(data.fieldwork);
      await target.transfer.loadMailData(data.mail);
      await target.transfer.loadAccountsData(data.accounts);
      await target.transfer.loadActivityData(data.activity);
      await target.transfer.loadAuditData(data.audits);
      await target.catalog.load(data.catalog);
      await target.responses.addMany(responses);
    } catch (error) {
      throw new Error(`the copy failed part way (${(error as Error).message}); ${target.location} now holds part of the data: delete it (or drop the database) before trying again`, { cause: error });
    }
    // Checked after: the same responses (ids and content) and the same documents of every kind.
    const copied = await target.responses.list();
    const byId = (list: typeof responses) => [...list].sort((a, b) => (a.id < b.id ? -1 : 1));
    const checks: string[] = [];
    if (copied.length !== responses.length) checks.push(`responses: ${copied.length} in the target, ${responses.length} in the source`);
    else if (!isDeepStrictEqual(byId(copied), byId(responses))) checks.push('responses: the same number but not the same content');
    const copiedData = await documents(target);
    const [counted, expected] = [counts(copiedData).join(', '), counts(data).join(', ')];
    if (counted !== expected) checks.push(`counts: ${counted || 'nothing'} in the target, ${expected || 'nothing'} in the source`);
    else checks.push(...differences(copiedData, data));
    if (checks.length > 0) throw new Error(`the copy in ${target.location} does not match the source: ${checks.join('; ')}`);
    io.out(
      `Copied and checked: ${[`${copied.length} response(s)`, ...counts(copiedData)].join(', ')}. ${NOT_COPIED} ` +
        `Point praksis at ${target.location} (retries of submissions sent before the copy are not recognised there).`,
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
