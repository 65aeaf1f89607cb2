/**
 * The build (`npm run build`, bin/build.js) and the start that runs it (bin/start.js, bin/praksis.js),
 * each on a copy of the project in a temporary directory: the real dist/, which the other test files
 * use at the same time (test/global-setup.ts makes it), is never touched.
 *
 * - The build makes the server, the CLI and the two browser bundles, and the copy serves from them.
 * - Without a build, or with one older than a source, the start exits 1 with one line.
 * - A source that does not compile: the build exits 1 naming the file and line, and writes nothing.
 * - checkAssets (src/http/assets.ts) finds the bundles, or names the missing one.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, cp, mkdir, mkdtemp, readFile, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { checkAssets } from '../src/http/assets.ts';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));

const temps: string[] = [];
afterAll(async () => {
  for (const dir of temps) await rm(dir, { recursive: true, force: true });
});

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** A copy of what the build and the server read, with the real node_modules linked in; no dist/. */
async function copyProject(): Promise<string> {
  const project = await tempDir('praksis-build-');
  for (const part of ['bin', 'src', 'public', 'views', 'surveys', 'package.json', 'package-lock.json', 'tsconfig.json']) {
    await cp(join(repoRoot, part), join(project, part), { recursive: true });
  }
  await symlink(join(repoRoot, 'node_modules'), join(project, 'node_modules'));
  return project;
}

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (never rejects: the exit code is in the result). */
function run(command: string, args: string[], cwd: string): Promise<Ran> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PRAKSIS_') && k !== 'PORT'));
  return promisify(execFile)(command, args, { cwd, env: { ...env, PORT: '0' } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

/** `npm run build` in `project` (npm's own CLI when the tests run under npm, else the npm on the PATH). */
function npmRunBuild(project: string): Promise<Ran> {
  const npm = process.env.npm_execpath;
  return npm?.endsWith('.js') ? run(process.execPath, [npm, 'run', 'build'], project) : run('npm', ['run', 'build'], project);
}

const node = (project: string, script: string) => run(process.execPath, [join(project, 'bin', script)], project);

/** Every file under `dir` (relative paths), or [] when there is no such directory. */
async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

describe('npm run build', () => {
  it('makes the server, the CLI and the browser bundles, and bin/start.js serves from them', async () => {
    const project = await copyProject();
    const built = await npmRunBuild(project);
    expect(built.code, built.stderr).toBe(0);
    expect(built.stdout).toContain('praksis: built dist/server.mjs, dist/cli.mjs, dist/public/questionnaire.js, dist/public/report.js, dist/public/editor.js');
    expect(await filesUnder(join(project, 'dist'))).toEqual(['cli.mjs', 'public/editor.js', 'public/questionnaire.js', 'public/report.js', 'server.mjs', 'stamp']);
    // The browser bundles are minified scripts, each one function expression (no module syntax for the browser to parse).
    for (const name of ['questionnaire', 'report', 'editor']) {
      const code = await readFile(join(project, 'dist', 'public', `${name}.js`), 'utf8');
      expect(code, name).toMatch(/^("use strict";)?\(\(\)=>\{/);
      expect(code).not.toMatch(/^\s*(import|export)\s/m);
      expect(code.split('\n').length, name).toBeLessThan(5);
    }

    const cli = await node(project, 'praksis.js');
    expect(cli.stdout).toContain('usage: praksis <command>');

    const dataDir = await tempDir('praksis-build-data-');
    const child = spawn(process.execPath, [join(project, 'bin', 'start.js')], {
      cwd: project,
      env: { ...process.env, PORT: '0', PRAKSIS_DATA_DIR: dataDir, PRAKSIS_ADMIN_PASSWORD: 'build-test-password' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`did not start: ${out}`)), 20_000);
        child.stdout.on('data', () => {
          const m = /praksis is running at http:\/\/localhost:(\d+)/.exec(out);
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
      expect(script.headers.get('content-type')).toMatch(/javascript/);
      expect(await script.text()).toBe(await readFile(join(project, 'dist', 'public', 'questionnaire.js'), 'utf8'));
      const report = await fetch(url + '/assets/report.js');
      expect(await report.text()).toBe(await readFile(join(project, 'dist', 'public', 'report.js'), 'utf8'));
      expect((await fetch(url + '/assets/css/app.css')).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await closed).toBe(0);
  });

  it('a source that does not compile: exits 1 naming the file and line, and writes no build', async () => {
    const project = await copyProject();
    const file = join(project, 'src', 'http', 'describe.ts');
    await appendFile(file, '\nexport const broken = ;\n');
    const line = (await readFile(file, 'utf8')).split('\n').indexOf('export const broken = ;') + 1;
    const failed = await npmRunBuild(project);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`praksis: the build failed: src/http/describe.ts:${line}:22: Unexpected ";"`);
    expect(failed.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(failed.stdout).not.toContain('praksis: built');
    expect(await filesUnder(join(project, 'dist'))).toEqual([]);
    const start = await node(project, 'start.js');
    expect(start.code).toBe(1);
    expect(start.stderr).toBe('praksis: no build found (dist/server.mjs); run npm run build\n');
  });

  it('a source that does not compile after a good build: the good build stays as it was, and is stale', async () => {
    const project = await copyProject();
    expect((await node(project, 'build.js')).code).toBe(0);
    const before = await readFile(join(project, 'dist', 'server.mjs'));
    const file = join(project, 'public', 'js', 'report.ts');
    await appendFile(file, '\nconst broken: number = ;\n');
    const failed = await node(project, 'build.js');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^praksis: the build failed: public\/js\/report\.ts:\d+:\d+: /);
    expect(await filesUnder(join(project, 'dist'))).toEqual(['cli.mjs', 'public/editor.js', 'public/questionnaire.js', 'public/report.js', 'server.mjs', 'stamp']);
    expect((await readFile(join(project, 'dist', 'server.mjs'))).equals(before)).toBe(true);
    const start = await node(project, 'start.js');
    expect(start.code).toBe(1);
    expect(start.stderr).toBe('praksis: the build in dist/ is older than public/js/report.ts; run npm run build\n');
  });
});

describe('npm start and praksis without an up-to-date build', () => {
  /**
   * A project of bin/ and stand-ins: dist/server.mjs and dist/cli.mjs that only say they ran, a
   * stamp, and inputs (src/, public/js/, package-lock.json), all dated 2020 (older than the stamp).
   */
  async function fakeProject(): Promise<{ project: string; touch: (file: string) => Promise<void> }> {
    const project = await tempDir('praksis-start-');
    await cp(join(repoRoot, 'bin'), join(project, 'bin'), { recursive: true });
    const files: Record<string, string> = {
      'dist/server.mjs': "console.log('the built server ran');\n",
      'dist/cli.mjs': "export async function main(argv) { console.log('the built cli ran with ' + argv.join(' ')); return 0; }\n",
      'src/app.ts': 'export {};\n',
      'src/http/assets.ts': 'export {};\n',
      'public/js/report.ts': 'export {};\n',
      'package-lock.json': '{}\n',
    };
    const old = new Date('2020-01-01T00:00:00Z');
    for (const [file, text] of Object.entries(files)) {
      await mkdir(dirname(join(project, file)), { recursive: true });
      await writeFile(join(project, file), text);
      await utimes(join(project, file), old, old);
    }
    const built = new Date('2020-01-02T00:00:00Z');
    await writeFile(join(project, 'dist', 'stamp'), 'built\n');
    await utimes(join(project, 'dist', 'stamp'), built, built);
    const later = new Date('2020-01-03T00:00:00Z');
    return { project, touch: (file) => utimes(join(project, file), later, later) };
  }

  it('with an up-to-date build, bin/start.js runs dist/server.mjs and bin/praksis.js dist/cli.mjs', async () => {
    const { project } = await fakeProject();
    expect(await node(project, 'start.js')).toEqual({ code: 0, stdout: 'the built server ran\n', stderr: '' });
    const cli = await run(process.execPath, [join(project, 'bin', 'praksis.js'), 'validate', 'x.json'], project);
    expect(cli).toEqual({ code: 0, stdout: 'the built cli ran with validate x.json\n', stderr: '' });
  });

  it('without a build: exits 1 with one line saying to run npm run build', async () => {
    const { project } = await fakeProject();
    await rm(join(project, 'dist'), { recursive: true });
    expect(await node(project, 'start.js')).toEqual({ code: 1, stdout: '', stderr: 'praksis: no build found (dist/server.mjs); run npm run build\n' });
    expect(await node(project, 'praksis.js')).toEqual({ code: 1, stdout: '', stderr: 'praksis: no build found (dist/cli.mjs); run npm run build\n' });
  });

  it('a build without its stamp (interrupted) is no build', async () => {
    const { project } = await fakeProject();
    await rm(join(project, 'dist', 'stamp'));
    expect(await node(project, 'start.js')).toEqual({ code: 1, stdout: '', stderr: 'praksis: no build found (dist/server.mjs); run npm run build\n' });
  });

  it.each(['src/http/assets.ts', 'public/js/report.ts', 'package-lock.json'])('a stale build (%s changed since): exits 1 naming the file', async (changed) => {
    const { project, touch } = await fakeProject();
    await touch(changed);
    const message = `praksis: the build in dist/ is older than ${changed}; run npm run build\n`;
    expect(await node(project, 'start.js')).toEqual({ code: 1, stdout: '', stderr: message });
    expect(await node(project, 'praksis.js')).toEqual({ code: 1, stdout: '', stderr: message });
  });

  it('a new source file makes the build stale too', async () => {
    const { project } = await fakeProject();
    await writeFile(join(project, 'src', 'new-module.ts'), 'export {};\n');
    expect(await node(project, 'start.js')).toEqual({ code: 1, stdout: '', stderr: 'praksis: the build in dist/ is older than src/new-module.ts; run npm run build\n' });
  });
});

describe('checkAssets (what createApp checks at start)', () => {
  it('finds the browser bundles of the build the tests run on', async () => {
    await expect(checkAssets()).resolves.toBeUndefined();
  });

  it('a missing bundle: an Error naming the file and saying to run npm run build', async () => {
    const dir = await tempDir('praksis-assets-');
    await writeFile(join(dir, 'questionnaire.js'), '"use strict";\n');
    await expect(checkAssets(dir)).rejects.toThrow(`the browser bundle ${join(dir, 'report.js')} is missing; run npm run build`);
  });
});
