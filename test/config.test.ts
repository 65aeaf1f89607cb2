import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.ts';
import { isProblem, type Problem } from '../src/errors.ts';

function problemOf(fn: () => unknown): Problem {
  try {
    fn();
  } catch (error) {
    if (isProblem(error)) return error;
    throw error;
  }
  throw new Error('expected a Problem');
}

describe('parseConfig', () => {
  it('uses the documented defaults when nothing is set', () => {
    expect(parseConfig({}, [])).toEqual({
      port: 3000,
      host: '127.0.0.1',
      dataDir: './data',
      surveysDir: './surveys',
      adminPassword: undefined,
      apiKey: undefined,
      demo: false,
      trustProxy: undefined,
      rateLimit: 120,
      loginLimit: 10,
      draftDays: 60,
      databasePool: 10,
      databaseTimeoutMs: 5000,
      mailPerMinute: 60,
    });
  });

  it('reads every variable', () => {
    const config = parseConfig(
      {
        PORT: '8080',
        PRAKSIS_DATA_DIR: '/srv/praksis',
        PRAKSIS_SURVEYS_DIR: '/srv/surveys',
        PRAKSIS_ADMIN_PASSWORD: 'correct horse',
        PRAKSIS_API_KEY: 'k'.repeat(32),
        PRAKSIS_DEMO: 'true',
        PRAKSIS_TRUST_PROXY: 'loopback',
        PRAKSIS_RATE_LIMIT: '600',
        PRAKSIS_LOGIN_LIMIT: '5',
        PRAKSIS_HOST: '0.0.0.0',
        PRAKSIS_DRAFT_DAYS: '30',
        PRAKSIS_PUBLIC_URL: 'https://praksis.example.dk/',
        PRAKSIS_SMTP_URL: 'smtp://user:secret@smtp.example.dk:587',
        PRAKSIS_MAIL_FROM: 'Evalueringen <evaluering@example.dk>',
        PRAKSIS_MAIL_RATE: '30',
      },
      [],
    );
    expect(config).toEqual({
      port: 8080,
      dataDir: '/srv/praksis',
      surveysDir: '/srv/surveys',
      adminPassword: 'correct horse',
      apiKey: 'k'.repeat(32),
      demo: true,
      trustProxy: 'loopback',
      rateLimit: 600,
      loginLimit: 5,
      host: '0.0.0.0',
      draftDays: 30,
      databasePool: 10,
      databaseTimeoutMs: 5000,
      publicUrl: 'https://praksis.example.dk',
      smtpUrl: 'smtp://user:secret@smtp.example.dk:587',
      mailFrom: 'Evalueringen <evaluering@example.dk>',
      mailPerMinute: 30,
    });
  });

  it('refuses a malformed PRAKSIS_PUBLIC_URL, SMTP URL or sender, naming the variable and never repeating a password', () => {
    for (const bad of ['praksis.example.dk', 'ftp://praksis.example.dk', 'https://praksis.example.dk/sti', 'https://praksis.example.dk?x=1', 'https://', 'https://user:pw@praksis.example.dk']) {
      const problem = problemOf(() => parseConfig({ PRAKSIS_PUBLIC_URL: bad }));
      expect(problem.details.map((d) => d.path), bad).toEqual(['PRAKSIS_PUBLIC_URL']);
      expect(problem.message).toContain('http:// or https://');
    }
    const smtp = problemOf(() => parseConfig({ PRAKSIS_SMTP_URL: 'mail.example.dk:25?pw=hemmelig' }));
    expect(smtp.details.map((d) => d.path)).toEqual(['PRAKSIS_SMTP_URL']);
    expect(smtp.message).not.toContain('hemmelig');
    expect(problemOf(() => parseConfig({ PRAKSIS_MAIL_FROM: 'not an address' })).details.map((d) => d.path)).toEqual(['PRAKSIS_MAIL_FROM']);
    expect(parseConfig({ PRAKSIS_PUBLIC_URL: 'http://10.0.0.5:8080' }).publicUrl).toBe('http://10.0.0.5:8080');
  });

  it('accepts port 0 (a free port, for tests) and treats empty values as unset', () => {
    expect(parseConfig({ PORT: '0' }).port).toBe(0);
    expect(parseConfig({ PORT: '', PRAKSIS_ADMIN_PASSWORD: '' })).toEqual(parseConfig({}));
  });

  it('turns demo on with --demo or PRAKSIS_DEMO=1, off with 0/false', () => {
    expect(parseConfig({}, ['--demo']).demo).toBe(true);
    expect(parseConfig({ PRAKSIS_DEMO: '1' }).demo).toBe(true);
    expect(parseConfig({ PRAKSIS_DEMO: '0' }).demo).toBe(false);
    expect(parseConfig({ PRAKSIS_DEMO: 'false' }).demo).toBe(false);
  });

  it('parses trust proxy as boolean, hop count or address list', () => {
    expect(parseConfig({ PRAKSIS_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(parseConfig({ PRAKSIS_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(parseConfig({ PRAKSIS_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toBe('10.0.0.0/8, 127.0.0.1');
  });

  it('listens on 127.0.0.1 unless PRAKSIS_HOST says otherwise, and refuses a malformed host', () => {
    expect(parseConfig({}).host).toBe('127.0.0.1');
    expect(parseConfig({ PRAKSIS_HOST: ' 0.0.0.0 ' }).host).toBe('0.0.0.0');
    expect(() => parseConfig({ PRAKSIS_HOST: 'http://x/' })).toThrow(/PRAKSIS_HOST/);
  });

  it('keeps drafts 60 days unless PRAKSIS_DRAFT_DAYS says otherwise', () => {
    expect(parseConfig({}).draftDays).toBe(60);
    expect(parseConfig({ PRAKSIS_DRAFT_DAYS: '14' }).draftDays).toBe(14);
    expect(() => parseConfig({ PRAKSIS_DRAFT_DAYS: '0' })).toThrow(/PRAKSIS_DRAFT_DAYS/);
  });

  it('switches the submission rate limit off with PRAKSIS_RATE_LIMIT=off (any case)', () => {
    expect(parseConfig({ PRAKSIS_RATE_LIMIT: 'off' }).rateLimit).toBe('off');
    expect(parseConfig({ PRAKSIS_RATE_LIMIT: ' OFF ' }).rateLimit).toBe('off');
  });

  it.each([
    [{ PRAKSIS_RATE_LIMIT: '0' }, 'PRAKSIS_RATE_LIMIT'],
    [{ PRAKSIS_RATE_LIMIT: 'none' }, 'PRAKSIS_RATE_LIMIT'],
    [{ PRAKSIS_RATE_LIMIT: '-5' }, 'PRAKSIS_RATE_LIMIT'],
    [{ PRAKSIS_LOGIN_LIMIT: '0' }, 'PRAKSIS_LOGIN_LIMIT'],
    [{ PRAKSIS_LOGIN_LIMIT: 'off' }, 'PRAKSIS_LOGIN_LIMIT'],
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PORT: '-1' }, 'PORT'],
    [{ PORT: '3.5' }, 'PORT'],
    [{ PRAKSIS_ADMIN_PASSWORD: 'short' }, 'PRAKSIS_ADMIN_PASSWORD'],
    [{ PRAKSIS_API_KEY: 'too-short' }, 'PRAKSIS_API_KEY'],
    [{ PRAKSIS_API_KEY: 'has spaces inside the key' }, 'PRAKSIS_API_KEY'],
    [{ PRAKSIS_DEMO: 'maybe' }, 'PRAKSIS_DEMO'],
  ])('rejects %o naming %s', (env, variable) => {
    const problem = problemOf(() => parseConfig(env, []));
    expect(problem.code).toBe(900.1);
    expect(problem.details.map((d) => d.path)).toEqual([variable]);
    expect(problem.message).toContain(variable);
  });

  it('rejects unknown command-line options', () => {
    const problem = problemOf(() => parseConfig({}, ['--demoo']));
    expect(problem.message).toContain('--demoo');
  });

  it('reports every bad variable at once', () => {
    const problem = problemOf(() => parseConfig({ PORT: 'x', PRAKSIS_DEMO: 'y' }, []));
    expect(problem.details.map((d) => d.path).sort()).toEqual(['PORT', 'PRAKSIS_DEMO']);
  });
});
