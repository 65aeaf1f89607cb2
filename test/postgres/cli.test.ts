/**
 * `praksis migrate` and `praksis copy` (the build, as a user runs them): migrating by hand, and
 * moving all data from a data directory to PostgreSQL and back, refusing a non-empty target and
 * checking what it copied.
 */
import { rm } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateDemoResponses } from '../../src/demo/generate.ts';
import { hashSecret } from '../../src/fieldwork/index.ts';
import { ensureCredentials } from '../../src/services/credentials.ts';
import { loadDefinitions } from '../../src/storage/definitions.ts';
import { openStore, type Store } from '../../src/storage/index.ts';
import { ADMIN_PASSWORD, API_KEY, surveysDir } from '../http/helpers.ts';
import { runCli } from '../http/process.ts';
import { issueLinks, tempDir } from '../storage/adapters.ts';
import { createDatabase, freePort, withSql, type TestDatabase } from './helpers.ts';

let databases: TestDatabase[] = [];
let dirs: string[] = [];
beforeEach(() => {
  databases = [];
  dirs = [];
});
afterEach(async () => {
  for (const d of databases) await d.drop();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
const database = async () => {
  const d = await createDatabase();
  databases.push(d);
  return d;
};
const dir = async () => {
  const d = await tempDir('praksis-copy-');
  dirs.push(d);
  return d;
};

/** Everything a store holds, comparable between stores. */
async function everything(store: Store) {
  const fieldwork = await store.transfer.fieldworkData();
  return {
    responses: (await store.responses.list()).sort((a, b) => (a.id < b.id ? -1 : 1)),
    invitations: fieldwork.invitations.sort((a, b) => (a.tokenHash < b.tokenHash ? -1 : 1)),
    drafts: fieldwork.drafts,
    windows: fieldwork.windows,
    settings: { ...(await store.settings.read()) },
  };
}

async function snapshot(where: string | { databaseUrl: string }) {
  const store = await openStore(where);
  try {
    return await everything(store);
  } finally {
    await store.close();
  }
}

describe('praksis migrate', () => {
  it('migrates a new database once, then has nothing to do', async () => {
    const db = await database();
    const first = await runCli(['migrate'], { PRAKSIS_DATABASE_URL: db.url });
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toMatch(/^Migrated postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/praksis_test_\w+ to schema version \d+ \(applied 1(, \d+)*\)\.\n$/);
    expect(first.stdout).not.toContain('praksis-test@');
    const again = await runCli(['migrate', db.url]);
    expect(again).toMatchObject({ code: 0 });
    expect(again.stdout).toMatch(/is at schema version \d+: nothing to do\./);
    expect(await withSql(db.url, async (c) => (await c.query('SELECT count(*)::integer AS n FROM praksis_schema')).rows[0].n)).toBeGreaterThan(0);
  });

  it('says clearly when there is no database to migrate or it cannot be reached', async () => {
    expect(await runCli(['migrate'])).toMatchObject({ code: 2, stderr: expect.stringContaining('set PRAKSIS_DATABASE_URL') });
    const port = await freePort();
    const unreachable = await runCli(['migrate', `postgres://u:secret-pw@127.0.0.1:${port}/x`]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/cannot connect to the PostgreSQL database postgres:\/\/u:\*\*\*@127\.0\.0\.1/);
    expect(unreachable.stderr).not.toContain('secret-pw');
  });
});

describe('praksis copy', () => {
  it('moves everything from a data directory to PostgreSQL and back, checked', async () => {
    const defs = await loadDefinitions(surveysDir);
    const study = defs.studies[0]!;
    const source = await dir();
    const store = await openStore(source);
    await ensureCredentials(store, { adminPassword: ADMIN_PASSWORD, apiKey: API_KEY });
    await store.settings.update((s) => {
      s.exportSecret = 'a-secret-that-keeps-the-cluster-pseudonyms';
    });
    await store.responses.addMany(generateDemoResponses(study, defs.frames.get(study.frame)!, { seed: 3 }).slice(0, 300));
    const [link] = await issueLinks(store, study.id, study.questionnaires[1]!.id, ['101', '147'], 3);
    await store.fieldwork.useLink(hashSecret(link!.token), '2016-05-02', () => store.responses.add({ study: study.id, questionnaire: study.questionnaires[1]!.id, version: 1, municipality: '101', answers: {} }));
    await store.fieldwork.saveDraft({ tokenHash: hashSecret(link!.token), resumeHash: hashSecret('resume'), state: 'a draft', page: 2, updatedDay: '2016-05-03' }, 5);
    await store.fieldwork.setWindow(study.id, study.questionnaires[0]!.id, { mode: 'closed', openLinks: false });
    const original = await everything(store);
    await store.close();
    const n = original.responses.length;
    expect(n).toBeGreaterThan(100);

    const db = await database();
    const toDb = await runCli(['copy', '--from', source, '--to', db.url]);
    expect(toDb.stderr).toBe('');
    expect(toDb.code).toBe(0);
    expect(toDb.stdout).toContain(`Copied and checked: ${n} response(s), 2 invitation(s), 1 draft(s), 1 window(s) and the settings.`);
    expect(toDb.stdout).not.toContain('praksis-test@');
    expect(await snapshot({ databaseUrl: db.url })).toEqual(original);

    const back = await dir();
    await rm(back, { recursive: true });
    const toFiles = await runCli(['copy', '--from', db.url, '--to', back]);
    expect(toFiles.code).toBe(0);
    expect(await snapshot(back)).toEqual(original);
  }, 60_000);

  it('refuses a target that holds data, changing nothing', async () => {
    const source = await dir();
    const filled = await openStore(source);
    await filled.responses.add({ study: 's', questionnaire: 'q', version: 1, municipality: '101', answers: { a: 'x' } });
    await filled.close();
    const db = await database();
    const target = await openStore({ databaseUrl: db.url });
    await target.responses.add({ study: 's', questionnaire: 'q', version: 1, municipality: '851', answers: { a: 'y' } });
    const before = await everything(target);
    await target.close();
    const refused = await runCli(['copy', '--from', source, '--to', db.url]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/is not empty \(it holds 1 response\(s\)\); praksis copy never overwrites/);
    expect(await snapshot({ databaseUrl: db.url })).toEqual(before);
    // And the other way: a data directory with data is not a target either.
    const other = await runCli(['copy', '--from', db.url, '--to', source]);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(`${source} is not empty`);
    expect((await snapshot(source)).responses.map((r) => r.municipality)).toEqual(['101']);
  });

  it('explains its usage', async () => {
    expect(await runCli(['copy', '--from', 'x'])).toMatchObject({ code: 2, stderr: expect.stringContaining('both --from and --to are needed') });
    expect(await runCli(['copy', '--from', 'x', '--to', 'x'])).toMatchObject({ code: 2, stderr: expect.stringContaining('the same place') });
  });
});
