/**
 * `praksis migrate`: applies the schema migrations to the database of PRAKSIS_DATABASE_URL (or the
 * URL given), under the same advisory lock as a start, and says what it did. A start migrates too;
 * this is for doing it by hand first (a role allowed to create tables, a maintenance window).
 * Exit 1 when the database cannot be reached or is newer than this praksis; 2 on usage errors.
 */
import { isPostgresUrl, migrateDatabase } from '../storage/index.ts';
import type { CliIo } from './main.ts';

const USAGE = 'usage: praksis migrate [postgres://user:password@host:5432/db]   (default: PRAKSIS_DATABASE_URL)';

export async function run(args: string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(USAGE);
    return 0;
  }
  const url = args[0] ?? process.env.PRAKSIS_DATABASE_URL?.trim();
  if (args.length > 1 || !url) {
    io.err(args.length > 1 ? `praksis migrate: one database URL at most\n${USAGE}` : `praksis migrate: set PRAKSIS_DATABASE_URL or give the database URL\n${USAGE}`);
    return 2;
  }
  if (!isPostgresUrl(url)) {
    // Never repeated: it may hold a password.
    io.err(`praksis migrate: the database URL must be a PostgreSQL URL such as postgres://user:password@host:5432/praksis\n${USAGE}`);
    return 2;
  }
  try {
    const { applied, version, location } = await migrateDatabase(url);
    io.out(applied.length > 0 ? `Migrated ${location} to schema version ${version} (applied ${applied.join(', ')}).` : `${location} is at schema version ${version}: nothing to do.`);
    return 0;
  } catch (error) {
    io.err(`praksis migrate: ${(error as Error).message}`);
    return 1;
  }
}
