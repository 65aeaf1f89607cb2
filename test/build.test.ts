/**
 * The build `npm start` runs from (bin/build.js, bin/start.js), on a copy of the project: a start
 * runs the sources as they are now (an edit makes a new build), an unchanged tree is not rebuilt,
 * builds started at the same time agree, and the built server serves with its bundles.
 */
import { execFile, spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDefinitions } from '../src/storage/definitions.ts';
import { questionnaireByGroup, repoRoot, surveysDir, theStudy } from './http/helpers.ts';
import { apiAnswers, fullPlan } from './http/walk.ts';

const run = promisify(execFile);
let project: string;

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'praksis-build-'));
  for (const part of ['bin', 'src', 'public', 'views', 'surveys', 'package.json', 'package-lock.json']) {
    await cp(join(repoRoot, part), join(project, part), { recursive: true });
  }
  await symlink(join(repoRoot, 'node_modules'), join(project, 'node_modules'));
});
afterAll(async () => {
  await rm(project, { recursive: true, force: true });
});

async function build(): Promise<string> {
  const { stdout } = await run(process.execPath, [join(project, 'bin', 'build.js')], { cwd: project });
  return stdout;
}

async function builds(): Promise<string[]> {
  return (await readdir(join(project, 'dist'))).filter((name) => !name.startsWith('.')).sort();
}

describe('the build npm start runs from', () => {
  it('is made once for the same sources and again after an edit', async () => {
    expect(await build()).toMatch(/praksis: built dist\/[0-9a-f]{16} /);
    const [first] = await builds();
    expect(await build()).toContain(`praksis: up to date: dist/${first}`);

    const file = join(project, 'src', 'http', 'describe.ts');
    await writeFile(file, (await readFile(file, 'utf8')) + '\nexport const editedForTheBuildTest = "edited-for-the-build-test";\n');
    expect(await build()).toMatch(/praksis: built dist\/[0-9a-f]{16} /);
    const after = await builds();
    expect(after).toHaveLength(2); // the older build stays for an hour (a running server may read it)
    const second = after.find((name) => name !== first)!;
    for (const bundle of ['server.mjs', 'check-worker.cjs', 'questionnaire.js', 'report.js', 'complete']) {
      expect((await readdir(join(project, 'dist', second))).includes(bundle), bundle).toBe(true);
    }
  });

  it('builds started at the same time leave one complete build and no temporary directory', async () => {
    await rm(join(project, 'dist'), { recursive: true, force: true });
    const outputs = await Promise.all([build(), build(), build()]);
    for (const out of outputs) expect(out).toMatch(/praksis: (built|up to date:) dist\/[0-9a-f]{16} /);
    expect(await builds()).toHaveLength(1);
    expect((await readdir(join(project, 'dist'))).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('bin/start.js serves from the build: pages, the browser scripts and checked submissions', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'praksis-build-data-'));
    const child = spawn(process.execPath, [join(project, 'bin', 'start.js')], {
      cwd: project,
      env: { ...process.env, PORT: '0', PRAKSIS_DATA_DIR: dataDir, PRAKSIS_ADMIN_PASSWORD: 'build-test-password', PRAKSIS_CHECK_WORKER: 'on' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`did not start: ${out}`)), 30_000);
        child.stdout.on('data', () => {
          const m = /running at http:\/\/localhost:(\d+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(`http://127.0.0.1:${m[1]}`);
          }
        });
      });
      const front = await fetch(url + '/');
      expect(front.status).toBe(200);
      expect(await front.text()).toContain('Spørgeskemaer');
      const script = await fetch(url + '/assets/questionnaire.js');
      expect(script.status).toBe(200);
      expect(await script.text()).toMatch(/showIf|function/);
      const report = await fetch(url + '/assets/report.js');
      expect(await report.text()).toContain('Chart');
      // Submissions (the check worker starts after listening: these go through it or the main thread).
      const defs = await loadDefinitions(surveysDir);
      const study = theStudy(defs);
      const qn = questionnaireByGroup(study, /praktiker/i);
      const { municipality, answers } = apiAnswers(qn, fullPlan('147'));
      const submit = (body: unknown) => fetch(url + '/api/v1/responses', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      for (let i = 0; i < 20; i++) {
        expect((await submit({ study: study.id, questionnaire: qn.id, municipality, answers })).status).toBe(201);
        expect((await submit({ study: 'nope', questionnaire: qn.id, municipality, answers })).status).toBe(404);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(out).not.toContain('check worker'); // it started from the build's bundle and did not fail
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.on('close', resolve));
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('a source that does not compile: bin/start.js exits 1 naming the file and line, and leaves no build behind', async () => {
    const file = join(project, 'src', 'http', 'describe.ts');
    const before = await readFile(file, 'utf8');
    await writeFile(file, before + '\nexport const broken = ;\n');
    try {
      const before = await builds();
      const failed = await run(process.execPath, [join(project, 'bin', 'start.js')], { cwd: project, env: { ...process.env, PORT: '0' } }).then(
        () => undefined,
        (error: { code: number; stderr: string; stdout: string }) => error,
      );
      expect(failed?.code).toBe(1);
      expect(failed?.stderr).toMatch(/^praksis: could not build the server: /);
      expect(failed?.stderr).toMatch(/describe\.ts:\d+:\d+: ERROR: Unexpected ";"/);
      expect(failed?.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(failed?.stdout).not.toContain('running at');
      expect(await builds()).toEqual(before);
      expect((await readdir(join(project, 'dist'))).filter((name) => name.startsWith('.'))).toEqual([]);
    } finally {
      await writeFile(file, before);
    }
  });
});
