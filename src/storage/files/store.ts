/**
 * The file store: one data directory, one server.
 *
 *   <dataDir>/responses.jsonl   anonymous responses, append-only, fdatasync'ed (./responses.ts)
 *   <dataDir>/settings.json     evaluator settings (lowdb, durable temp+rename) (./settings.ts)
 *   <dataDir>/fieldwork.json    invitations (token hashes), drafts, fieldwork windows (./fieldwork.ts)
 *   <dataDir>/mail.json         e-mail contacts, the outbox and the mail texts, apart from responses (./mail.ts)
 *   <dataDir>/accounts.json     users, key and session hashes, sign-in counters (./users.ts)
 *   <dataDir>/activity.jsonl    the activity log of evaluator actions, append-only (./activity.ts)
 *   <dataDir>/audit.json        case-file audit records: cases and events per audit (./audit.ts)
 *   <dataDir>/praksis.lock      one server per directory (./lock.ts)
 *
 * The first open of an empty directory creates all of them. A later open refuses when settings.json
 * or fieldwork.json has gone missing (see refuseMissing): starting without them would silently
 * change secrets or break every invitation link.
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from '../ports.ts';
import { FileAudits } from './audit.ts';
import { FileCatalog } from './catalog.ts';
import { removeStaleTemps } from './durable.ts';
import { FileFieldwork } from './fieldwork.ts';
import { FileMail } from './mail.ts';
import { fileIO, reason, type FileIO } from './io.ts';
import { lockDataDir } from './lock.ts';
import { FileResponses } from './responses.ts';
import { FileSettings } from './settings.ts';
import { FileUsers } from './users.ts';

export const RESPONSES_FILE = 'responses.jsonl';
export const SETTINGS_FILE = 'settings.json';
export const FIELDWORK_FILE = 'fieldwork.json';
export const MAIL_FILE = 'mail.json';
export const ACCOUNTS_FILE = 'accounts.json';
export const ACTIVITY_FILE = 'activity.jsonl';
export const AUDIT_FILE = 'audit.json';
export const CATALOG_FILE = 'catalog.json';
/** A cache of earlier versions (the response table); the log is the truth, so a leftover one is removed. */
const OLD_SNAPSHOT_FILE = 'responses.snapshot';

export interface FileStoreOptions {
  /** The low-level writes (default node:fs); tests replace one to make it fail. */
  io?: Partial<FileIO>;
}

/** The size of a file, or undefined when it does not exist. */
async function sizeOf(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${file} (${reason(error)}); check its permissions`, { cause: error });
  }
}

/**
 * Refuses to open a directory that holds data but lacks settings.json or fieldwork.json. Returns
 * whether the directory is new (neither file, no response): the open then creates both.
 */
async function refuseMissing(dataDir: string): Promise<boolean> {
  const settings = join(dataDir, SETTINGS_FILE);
  const fieldwork = join(dataDir, FIELDWORK_FILE);
  const [settingsSize, fieldworkSize, logSize] = await Promise.all([sizeOf(settings), sizeOf(fieldwork), sizeOf(join(dataDir, RESPONSES_FILE))]);
  const problems: string[] = [];
  if (settingsSize === undefined && ((logSize ?? 0) > 0 || fieldworkSize !== undefined)) {
    const holds = [(logSize ?? 0) > 0 ? `stored responses (${RESPONSES_FILE})` : '', fieldworkSize !== undefined ? `fieldwork data (${FIELDWORK_FILE})` : ''].filter(Boolean).join(' and ');
    problems.push(
      `${settings} is missing, but the directory holds ${holds}. Starting without it would change the export pseudonyms (cluster ids) ` +
        `and the sign-in secrets (session secret, admin password, API key). Restore ${SETTINGS_FILE} from a backup; ` +
        `or, to start with new settings deliberately, create it with the content {}`,
    );
  }
  if (fieldworkSize === undefined && settingsSize !== undefined) {
    problems.push(
      `${fieldwork} is missing, but the directory holds ${SETTINGS_FILE}. Starting without it would make every invitation link stop working ` +
        `(and lose saved drafts and the fieldwork windows set by hand). Restore ${FIELDWORK_FILE} from a backup; ` +
        `or, to start without invitations deliberately, create it with the content {}`,
    );
  }
  if (problems.length > 0) throw new Error(`praksis will not open the data directory ${dataDir}:\n${problems.join('\n')}`);
  return settingsSize === undefined && fieldworkSize === undefined && (logSize ?? 0) === 0;
}

export async function openFileStore(dataDir: string, options: FileStoreOptions = {}): Promise<Store> {
  const io = fileIO(options.io);
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new Error(`cannot create the data directory ${dataDir} (${reason(error)}); check the path and its permissions`, { cause: error });
  }
  const lock = await lockDataDir(dataDir);
  const opened: { close(): Promise<void> }[] = [];
  let fresh = false;
  try {
    // Leftovers of a crash (temp files of a write) and of earlier versions: none holds data the files lack.
    await removeStaleTemps(dataDir, [SETTINGS_FILE, FIELDWORK_FILE, MAIL_FILE, ACCOUNTS_FILE, AUDIT_FILE, CATALOG_FILE, OLD_SNAPSHOT_FILE]);
    await rm(join(dataDir, OLD_SNAPSHOT_FILE), { force: true });
    fresh = await refuseMissing(dataDir);
    const responses = await FileResponses.open(join(dataDir, RESPONSES_FILE), io);
    opened.push(responses);
    const settings = await FileSettings.open(join(dataDir, SETTINGS_FILE), io);
    opened.push(settings);
    const fieldwork = await FileFieldwork.open(join(dataDir, FIELDWORK_FILE), io);
    opened.push(fieldwork);
    const mail = await FileMail.open(join(dataDir, MAIL_FILE), io);
    opened.push(mail);
    const users = await FileUsers.open(join(dataDir, ACCOUNTS_FILE), join(dataDir, ACTIVITY_FILE), io);
    opened.push(users);
    const audits = await FileAudits.open(join(dataDir, AUDIT_FILE), io);
    opened.push(audits);
    const catalog = await FileCatalog.open(join(dataDir, CATALOG_FILE), io);
    opened.push(catalog);
    let closing: Promise<void> | undefined;
    return {
      location: dataDir,
      responses,
      settings,
      fieldwork,
      transfer: {
        fieldworkData: () => fieldwork.data(),
        loadFieldworkData: (data) => fieldwork.load(data),
        mailData: () => mail.data(),
        loadMailData: (data) => mail.load(data),
        accountsData: () => users.transferData(),
        loadAccountsData: (data) => users.load(data),
        activityData: () => users.activity(),
        loadActivityData: (entries) => users.loadActivity(entries),
        auditData: () => audits.data(),
        loadAuditData: (data) => audits.load(data),
      },
      mail,
      users,
      audits,
      catalog,
      close() {
        closing ??= (async () => {
          try {
            for (const part of opened) await part.close();
          } finally {
            await lock.release();
          }
        })();
        return closing;
      },
    };
  } catch (error) {
    for (const part of opened) await part.close().catch(() => undefined);
    // A first open that failed half way leaves no settings.json without fieldwork.json (the next open would refuse).
    if (fresh) for (const name of [SETTINGS_FILE, FIELDWORK_FILE, ACCOUNTS_FILE, ACTIVITY_FILE]) await rm(join(dataDir, name), { force: true }).catch(() => undefined);
    await lock.release();
    throw error;
  }
}
