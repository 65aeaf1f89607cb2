/**
 * The PostgreSQL adapter's own behaviour (the shared contract is contract.test.ts): migrations,
 * several instances on one database, a schema it does not know, an unreachable server, and the
 * shape of the responses table that anonymity rests on. Real PostgreSQL (test/global-setup-postgres.ts).
 */
import { createServer } from 'node:net';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/fieldwork/index.ts';
import { openStore, type Store } from '../../src/storage/index.ts';
import { migrate, readMigrations } from '../../src/storage/postgres/migrate.ts';
import { openPostgresStore } from '../../src/storage/postgres/store.ts';
import { newResponse } from './adapters.ts';
import { createDatabase, type TestDatabase } from './postgres-helpers.ts';

let database: TestDatabase;
let opened: Store[] = [];
let pools: pg.Pool[] = [];
const open = async () => {
  const store = await openPostgresStore(database.url);
  opened.push(store);
  return store;
};
const pool = () => {
  const p = new pg.Pool({ connectionString: database.url, max: 2 });
  p.on('error', () => undefined); // an idle connection ended by the DROP DATABASE after the test
  pools.push(p);
  return p;
};
const schemaVersions = async () => (await pool().query<{ version: number }>('SELECT version FROM praksis_schema ORDER BY version')).rows.map((r) => r.version);

beforeEach(async () => {
  database = await createDatabase();
});
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  for (const p of pools.splice(0)) await p.end();
  await database.drop();
});

describe('migrations', () => {
  it('migrates an empty database at the first open and changes nothing at the next', async () => {
    const known = await readMigrations();
    // Numbers increase; gaps are allowed (parts of the schema are numbered apart).
    expect(known.map((m) => m.version).every((v, i, all) => i === 0 || v > all[i - 1]!)).toBe(true);
    const first = await open();
    await first.responses.add(newResponse());
    await first.close();
    await open();
    expect(await schemaVersions()).toEqual(known.map((m) => m.version));
    expect(await migrate(pool(), 'test')).toEqual([]);
    expect(await opened[1]!.responses.count()).toBe(1);
  });

  it('migrates once when two instances start at the same moment', async () => {
    const [a, b] = [pool(), pool()];
    const applied = await Promise.all([migrate(a, 'a'), migrate(b, 'b')]);
    const latest = (await readMigrations()).map((m) => m.version);
    expect(applied.map((versions) => versions.length).sort()).toEqual([0, latest.length]);
    expect(await schemaVersions()).toEqual(latest);
  });

  it('opens two stores at once on a new database, both working', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    await a.responses.add(newResponse(), 'sub-1');
    expect(await b.responses.add(newResponse(), 'sub-1')).toMatchObject({ created: false });
    expect(await b.responses.count()).toBe(1);
  });

  it('refuses a database whose schema is newer than this program knows, touching nothing', async () => {
    await (await open()).close();
    opened = [];
    await pool().query(`INSERT INTO praksis_schema (version, name) VALUES (999, '999_future.sql')`);
    const latest = (await readMigrations()).at(-1)!.version;
    await expect(open()).rejects.toThrow(new RegExp(`has schema version 999, newer than this praksis knows \\(${latest}\\)`));
  });

  it('applies nothing of a migration that fails', async () => {
    const known = await readMigrations();
    const broken = [...known, { version: known.length + 1, name: 'broken.sql', sql: 'CREATE TABLE half (x integer); SELECT no_such_function();' }];
    await expect(migrate(pool(), 'test', broken)).rejects.toThrow(/migration broken\.sql failed .*no_such_function.*nothing of it was applied/);
    expect(await schemaVersions()).toEqual(known.map((m) => m.version));
    expect((await pool().query(`SELECT to_regclass('half') AS t`)).rows[0].t).toBeNull();
  });
});

describe('several instances on one database', () => {
  it('uses a one-use link once when 20 submissions arrive at once through two instances', async () => {
    const [a, b] = [await open(), await open()];
    const [issued] = await a.fieldwork.issue('integration', 'ledere', ['851'], 1);
    const hash = hashSecret(issued!.token);
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const store = i % 2 === 0 ? a : b;
        return store.fieldwork.useLink(hash, '2016-05-02', () => store.responses.add(newResponse(), `sub-${i}`));
      }),
    );
    expect(outcomes.filter((o) => o.outcome === 'stored')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'used-up')).toHaveLength(19);
    expect(await b.responses.count()).toBe(1);
    expect(await a.fieldwork.findByTokenHash(hash)).toMatchObject({ used: 1, completions: { '2016-05-02': 1 } });
  });

  it('has the use committed (seen by any other connection) before the response is stored, and given back after', async () => {
    const store = await open();
    const [issued] = await store.fieldwork.issue('integration', 'ledere', ['851'], 1);
    const hash = hashSecret(issued!.token);
    const other = pool();
    const usedNow = async () => (await other.query('SELECT used, completions FROM invitations WHERE token_hash = $1', [hash])).rows[0];
    let seen: unknown;
    await expect(
      store.fieldwork.useLink(hash, '2016-05-02', async () => {
        seen = await usedNow();
        throw new Error('the insert failed');
      }),
    ).rejects.toThrow('the insert failed');
    expect(seen).toEqual({ used: 1, completions: { '2016-05-02': 1 } });
    expect(await usedNow()).toEqual({ used: 0, completions: {} });
  });

  it('applies concurrent settings updates of two instances one after another', async () => {
    const [a, b] = [await open(), await open()];
    await Promise.all([a.settings.update((s) => void (s.sessionSecret = 'a')), b.settings.update((s) => void (s.exportSecret = 'b')), a.settings.update((s) => void (s.apiKeyHash = 'c'))]);
    expect(await b.settings.read()).toEqual({ sessionSecret: 'a', exportSecret: 'b', apiKeyHash: 'c' });
  });

  it('keeps at most maxPerLink drafts when two instances save new drafts at once', async () => {
    const [a, b] = [await open(), await open()];
    const hash = hashSecret('a link');
    const saved = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).fieldwork.saveDraft({ tokenHash: hash, resumeHash: hashSecret(`r${i}`), state: 's', page: 0, updatedDay: '2016-05-01' }, 3)),
    );
    expect(saved.filter(Boolean)).toHaveLength(3);
    expect((await pool().query('SELECT count(*)::integer AS n FROM drafts')).rows[0].n).toBe(3);
  });
});

describe('opening', () => {
  it('fails at once with a clear message, without the password, when the database cannot be reached', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const url = `postgres://praksis:s3cret-pw@127.0.0.1:${port}/praksis`;
    const started = Date.now();
    const refused = openStore({ databaseUrl: url, options: { connectionTimeoutMillis: 3000 } });
    await expect(refused).rejects.toThrow(new RegExp(`cannot connect to the PostgreSQL database postgres://praksis:\\*\\*\\*@127\\.0\\.0\\.1:${port}/praksis \\(.*ECONNREFUSED.*\\); check PRAKSIS_DATABASE_URL`));
    await expect(refused).rejects.not.toThrow(/s3cret-pw/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('names the database without its password as the store location', async () => {
    const store = await open();
    expect(store.location).toBe(database.url.replace(/:[^:@/]+@/, ':***@'));
  });
});

describe('the responses table (anonymity)', () => {
  it('has no serial, sequence, default, timestamp or foreign key, and shares no column with invitations but the place', async () => {
    await open();
    const q = async (sql: string) => (await pool().query(sql)).rows;
    const columns = await q(`SELECT column_name, data_type, column_default FROM information_schema.columns WHERE table_name = 'responses' ORDER BY ordinal_position`);
    expect(columns.map((c) => c.column_name)).toEqual(['id', 'study', 'questionnaire', 'version', 'municipality', 'day', 'answers', 'submission_hash']);
    expect(columns.filter((c) => c.column_default !== null)).toEqual([]);
    expect(columns.find((c) => c.column_name === 'day')!.data_type).toBe('date');
    expect(columns.filter((c) => /time/.test(c.data_type))).toEqual([]);
    expect(await q(`SELECT sequence_name FROM information_schema.sequences`)).toEqual([]);
    expect(await q(`SELECT conname FROM pg_constraint WHERE contype = 'f'`)).toEqual([]);
    const invitationColumns = (await q(`SELECT column_name FROM information_schema.columns WHERE table_name = 'invitations'`)).map((c) => c.column_name);
    expect(columns.map((c) => c.column_name).filter((c) => invitationColumns.includes(c)).sort()).toEqual(['municipality', 'questionnaire', 'study']);
  });

  it('stores the submission id only as a hash and the day only as a date', async () => {
    const store = await open();
    await store.responses.add(newResponse(), 'my-submission-id');
    const [row] = (await pool().query(`SELECT to_jsonb(r)::text AS row FROM responses r`)).rows;
    expect(row.row).not.toContain('my-submission-id');
    expect(row.row).toMatch(/"day": "\d{4}-\d{2}-\d{2}"/);
  });
});
