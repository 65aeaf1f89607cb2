/**
 * The hostile-input catalogue, command-line part: invalid configuration values, invalid study
 * definition files and bad CLI arguments. Each stops with a clear message and a non-zero exit
 * code, and leaves the data directory as it was (here: not even created).
 */
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashDir, surveysDir } from '../http/helpers.ts';
import { runCli, runServerToExit } from '../http/process.ts';

let root: string;
let studyFile: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'praksis-cli-'));
  const files = (await readdir(surveysDir)).filter((f) => f.endsWith('.json'));
  studyFile = files[0]!;
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A copy of surveys/ whose study file is changed by `edit`. */
async function brokenSurveys(name: string, edit: (study: Record<string, unknown>) => unknown): Promise<string> {
  const dir = join(root, name);
  await cp(surveysDir, dir, { recursive: true });
  const study = JSON.parse(await readFile(join(dir, studyFile), 'utf8')) as Record<string, unknown>;
  const edited = edit(study);
  await writeFile(join(dir, studyFile), typeof edited === 'string' ? edited : JSON.stringify(edited, null, 2));
  return dir;
}

const configCases: [string, Record<string, string>, string[], RegExp][] = [
  ['a port that is not a number', { PORT: 'http' }, [], /PORT: must be a whole number/],
  ['a port out of range', { PORT: '99999' }, [], /PORT: must be between 0 and 65535/],
  ['a too short admin password', { PRAKSIS_ADMIN_PASSWORD: 'kort' }, [], /PRAKSIS_ADMIN_PASSWORD: must be at least 8/],
  ['an API key with a newline', { PRAKSIS_API_KEY: 'abcdefghijklmnop\nq' }, [], /PRAKSIS_API_KEY/],
  ['a rate limit that is not off or a number', { PRAKSIS_RATE_LIMIT: 'unlimited' }, [], /PRAKSIS_RATE_LIMIT: must be "off"/],
  ['a demo flag that is not a boolean', { PRAKSIS_DEMO: 'maybe' }, [], /PRAKSIS_DEMO: must be 0, 1, true or false/],
  ['an unknown command-line option', {}, ['--data=/etc'], /--data=\/etc: unknown option/],
];

describe('invalid configuration stops the server before it touches anything', () => {
  for (const [name, env, args, message] of configCases) {
    it(`${name} → exit 1 naming the variable`, async () => {
      const dataDir = join(root, `data-${name.replace(/\W+/g, '-')}`);
      const result = await runServerToExit(args, { ...env, PRAKSIS_DATA_DIR: dataDir, PORT: env.PORT ?? '0' });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
      expect(existsSync(dataDir)).toBe(false);
    });
  }
});

describe('an invalid study definition stops the server naming file and JSON path', () => {
  const definitionCases: [string, (s: Record<string, unknown>) => unknown, RegExp][] = [
    ['not JSON at all', () => '{ "id": "integration_2016", ', /JSON/i],
    ['a question id with path traversal', (s) => JSON.parse(JSON.stringify(s).replace(/("questions":\[\{"id":")[a-z0-9_]+"/, '$1../../etc/passwd"')), /questionnaires\[\d+\]\.sections\[\d+\]\.questions\[\d+\]\.id/],
    ['a question of an unknown type', (s) => JSON.parse(JSON.stringify(s).replace(/"type":"scale"/, '"type":"slider"')), /questionnaires\[\d+\]\.sections\[\d+\]\.questions\[\d+\]/],
    ['a study without questionnaires', (s) => ({ ...s, questionnaires: [] }), /questionnaires/],
  ];
  for (const [name, edit, path] of definitionCases) {
    it(`${name} → exit 1`, async () => {
      const dir = await brokenSurveys(name.replace(/\W+/g, '-'), edit);
      const dataDir = join(root, `data-def-${name.replace(/\W+/g, '-')}`);
      const result = await runServerToExit([], { PRAKSIS_SURVEYS_DIR: dir, PRAKSIS_DATA_DIR: dataDir, PORT: '0' });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(studyFile);
      expect(result.stderr).toMatch(path);
      expect(result.stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
      expect(existsSync(dataDir)).toBe(false);
    });
  }
});

describe('praksis CLI', () => {
  it('an unknown command → exit 2 with the usage', async () => {
    const result = await runCli(['drop-tables']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "drop-tables"');
    expect(result.stderr).toContain('usage: praksis');
  });

  it('validate on an invalid study file → exit 1 naming the JSON path', async () => {
    const dir = await brokenSurveys('cli-validate', (s) => ({ ...s, questionnaires: [] }));
    const result = await runCli(['validate', join(dir, studyFile)]);
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/questionnaires/);
  });

  it('validate on a path-traversal name and on a non-JSON file → non-zero, no stack trace', async () => {
    for (const target of ['../../../../etc/passwd', join(root, 'nothing-here.json')]) {
      const result = await runCli(['validate', target]);
      expect(result.code).not.toBe(0);
      expect(result.stdout + result.stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
    }
  });

  it('validate leaves a data directory byte-identical', async () => {
    const dataDir = join(root, 'cli-data');
    await mkdir(dataDir, { recursive: true });
    await writeFile(join(dataDir, 'marker.txt'), 'unchanged');
    const before = await hashDir(dataDir);
    const dir = await brokenSurveys('cli-validate-2', (s) => ({ ...s, id: 'Not An Id' }));
    const result = await runCli(['validate', join(dir, studyFile)], { PRAKSIS_DATA_DIR: dataDir });
    expect(result.code).toBe(1);
    expect(await hashDir(dataDir)).toEqual(before);
  });
});
