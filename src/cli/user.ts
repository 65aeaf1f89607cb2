/**
 * `praksis user …`: user accounts for operators, on the store the server uses (PRAKSIS_DATA_DIR, or
 * PRAKSIS_DATABASE_URL for PostgreSQL; a data directory can be opened only while the server is stopped).
 *
 *   praksis user add --role <admin|evaluator|auditor|viewer> [--studies a,b] [--name "Full name"] <login>
 *   praksis user reset-password <login>     a new one-time password; every session of the user ends
 *   praksis user list
 *
 * Passwords are printed once. Each change is in the activity log as done by "praksis (CLI)".
 */
import { parseConfig } from '../config.ts';
import { isProblem } from '../errors.ts';
import type { Actor } from '../services/access.ts';
import { createContext } from '../services/context.ts';
import { addUser, listUsers, resetPassword } from '../services/users.ts';
import { loadDefinitions } from '../storage/definitions.ts';
import { openStore } from '../storage/index.ts';
import type { CliIo } from './main.ts';

const USAGE = [
  'usage: praksis user add --role <admin|evaluator|auditor|viewer> [--studies <id,id>] [--name <full name>] <login>',
  '       praksis user reset-password <login>',
  '       praksis user list',
].join('\n');

const OPERATOR: Actor = { id: null, login: 'praksis (CLI)', name: 'praksis (CLI)', role: 'admin', studies: [] };

/** `--flag value` pairs and the rest. */
function options(args: string[]): { flags: Map<string, string>; rest: string[]; bad?: string } {
  const flags = new Map<string, string>();
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) rest.push(arg);
    else if (!['--role', '--studies', '--name'].includes(arg)) return { flags, rest, bad: `unknown option ${arg}` };
    else if (args[i + 1] === undefined) return { flags, rest, bad: `${arg} needs a value` };
    else flags.set(arg.slice(2), args[++i]!);
  }
  return { flags, rest };
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || sub === '--help' || sub === '-h' || !['add', 'reset-password', 'list'].includes(sub)) {
    io.err(sub && !sub.startsWith('-') ? `praksis user: unknown subcommand "${sub}"\n${USAGE}` : USAGE);
    return sub === '--help' || sub === '-h' ? 0 : 2;
  }
  const { flags, rest: names, bad } = options(rest);
  const wantNames = sub === 'list' ? 0 : 1;
  if (bad || names.length !== wantNames || (sub !== 'add' && flags.size > 0) || (sub === 'add' && !flags.has('role'))) {
    io.err(`praksis user ${sub}: ${bad ?? (sub === 'add' && !flags.has('role') ? '--role is required' : wantNames ? 'give exactly one login' : 'takes no arguments')}\n${USAGE}`);
    return 2;
  }
  let store: Awaited<ReturnType<typeof openStore>> | undefined;
  try {
    const config = parseConfig(process.env);
    const definitions = await loadDefinitions(config.surveysDir);
    store = await openStore(config.databaseUrl ? { databaseUrl: config.databaseUrl } : config.dataDir);
    const ctx = createContext(definitions, store);
    if (sub === 'list') {
      const users = await listUsers(ctx, OPERATOR);
      if (users.length === 0) io.out('No users yet: the first start of the server creates the admin "admin".');
      for (const u of users) io.out(`${u.login}\t${u.role}\t${u.role === 'admin' ? '(every study)' : u.studies.join(',') || '(no study)'}\t${u.name}`);
      return 0;
    }
    const login = names[0]!;
    if (sub === 'add') {
      const studies = (flags.get('studies') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      const { user, password } = await addUser(ctx, OPERATOR, { name: flags.get('name') ?? login, login, role: flags.get('role'), studies });
      io.out(`Added ${user.login} (${user.role}). One-time password (shown only this once): ${password}`);
      return 0;
    }
    const user = await store.users.findByLogin(login);
    if (!user) {
      io.err(`praksis user reset-password: there is no user "${login}" (praksis user list shows them)`);
      return 1;
    }
    const { password } = await resetPassword(ctx, OPERATOR, user.id);
    io.out(`New one-time password for ${user.login} (shown only this once): ${password}\nEvery session of ${user.login} has ended.`);
    return 0;
  } catch (error) {
    if (isProblem(error)) {
      io.err(`praksis user ${sub}: ${error.message}${error.details.map((d) => `\n  ${d.path}: ${d.message}`).join('')}`);
      return 1;
    }
    io.err(`praksis user ${sub}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await store?.close();
  }
}
