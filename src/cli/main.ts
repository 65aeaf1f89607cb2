/**
 * The `praksis` command. Each subcommand lives in its own module exporting
 * `run(args: string[], io: CliIo): Promise<number>` (the exit code).
 */
export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const defaultIo: CliIo = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
};

type Command = { summary: string; load: () => Promise<{ run: (args: string[], io: CliIo) => Promise<number> }> };

const commands: Record<string, Command> = {
  validate: { summary: 'validate <file>            check a study definition or frame file', load: () => import('./validate.ts') },
  user: { summary: 'user add --role <role> <login> | reset-password <login> | list   user accounts', load: () => import('./user.ts') },
  estimate: { summary: 'estimate <data.csv> --var <column> [...]   design-based estimates', load: () => import('./estimate.ts') },
  migrate: { summary: 'migrate [postgres://…]      apply the schema migrations (default: PRAKSIS_DATABASE_URL)', load: () => import('./migrate.ts') },
  copy: { summary: 'copy --from <dir|postgres://…> --to <dir|postgres://…>   move all data to an empty store', load: () => import('./copy.ts') },
};

export function usage(): string {
  return ['usage: praksis <command> [options]', '', 'commands:', ...Object.values(commands).map((c) => '  ' + c.summary)].join('\n');
}

export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    io.err(`praksis: unknown command "${name}"\n${usage()}`);
    return 2;
  }
  const module = await command.load();
  return module.run(rest, io);
}
