/**
 * The report across published versions, with known answers: the two-version study of
 * test/fixtures/versions/study.ts, its responses stored through each store (files and PostgreSQL,
 * whose report table is made of GROUP BY tallies), the report built from the store's report table.
 * Every response counts whatever its version; the latest version's categories and labels, the
 * removed option as its own category; the estimates equal the fractions worked out by hand and R's
 * numbers re-estimated from the exported responses.csv (reference.csv, tables.R) to 1e-9; the
 * figure whose question changed says so in Danish, also in the PNG's notes, the Word file and
 * `/tables` (through the results use cases on a stored study published twice).
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportDocx } from '../../src/export/docx.ts';
import { parseCsv } from '../../src/export/csv-parse.ts';
import { figureSpec, reportSpecs } from '../../src/report/figures.ts';
import { reportTallySpec } from '../../src/report/inputs.ts';
import { buildReport, type Report } from '../../src/report/tables.ts';
import { createStudy, draftView, saveDraft } from '../../src/services/authoring.ts';
import { publishQuestionnaire } from '../../src/services/publishing.ts';
import { createContext } from '../../src/services/context.ts';
import { codebookExport, freeTexts, responsesExport, tablesJson } from '../../src/services/results.ts';
import { loadDefinitions } from '../../src/storage/definitions.ts';
import { openStore, type Store } from '../../src/storage/index.ts';
import { responses, study, v1, v2, versions } from '../fixtures/versions/study.ts';
import { createDatabase, type TestDatabase } from '../storage/postgres-helpers.ts';
import { tempDir } from '../storage/adapters.ts';

const fixtures = fileURLToPath(new URL('../fixtures/versions/', import.meta.url));
const defs = await loadDefinitions(fileURLToPath(new URL('../../surveys/', import.meta.url)));
const frame = defs.frames.get(study.frame)!;

const SAMARBEJDE_NOTE = 'Spørgsmålet er ændret mellem version 1 og 2: svarmuligheden »Middel« er fjernet; svarmuligheden »Godt« hedder nu »Rigtig godt«.';
const NY_NOTE = 'Spørgsmålet er ændret mellem version 1 og 2: spørgsmålet er tilføjet (besvarelser af version 1 har intet svar på det).';
const MIDDEL_NOTE = '»Middel (kun version 1)« er en svarmulighed, som den seneste version ikke har: svarene vises som en kategori for sig og indgår i basis.';

/** Worked out by hand (test/fixtures/versions/study.ts): equal weights 1/respondents per municipality. */
const byHand: Record<number, { baseN: number; rows: [string, string, number, number][] }> = {
  1: { baseN: 10, rows: [['godt', 'Rigtig godt', 5, 29 / 54], ['daarligt', 'Dårligt', 3, 18 / 54], ['middel', 'Middel (kun version 1)', 2, 7 / 54]] },
  2: { baseN: 12, rows: [['kontrakt', 'Integrationskontrakten', 6, 35 / 69], ['plan', 'Handleplanen', 6, 38 / 69], ['moede', 'Opfølgningsmøder', 4, 30 / 69]] },
  3: { baseN: 7, rows: [['ja', 'Ja', 4, 31 / 46], ['nej', 'Nej', 3, 15 / 46]] },
};

let database: TestDatabase;
let dir: string;
const stores = new Map<string, Store>();
const reports = new Map<string, Report>();
beforeAll(async () => {
  database = await createDatabase();
  dir = await tempDir('praksis-versions-');
  stores.set('files', await openStore(dir));
  stores.set('postgres', await openStore({ databaseUrl: database.url }));
  for (const [name, store] of stores) {
    await store.responses.addMany(responses);
    reports.set(name, buildReport(study, frame, await store.responses.reportTable(reportTallySpec(study, versions)), { versions, weighting: 'equal' }));
  }
}, 60_000);
afterAll(async () => {
  for (const store of stores.values()) await store.close();
  await database?.drop();
  await rm(dir, { recursive: true, force: true });
});

describe.each(['files', 'postgres'])('the report of a study with two versions (%s store)', (name) => {
  it('counts the responses of both versions: the estimates are the ones worked out by hand', () => {
    const report = reports.get(name)!;
    expect(report.respondents[0]!.n).toBe(13);
    expect(report.figures.map((f) => f.figure)).toEqual([1, 2, 3]);
    for (const f of report.figures) {
      const g = f.groups[0]!;
      expect(g.suppressed).toBe(false);
      expect(g.baseN).toBe(byHand[f.figure]!.baseN);
      expect(g.rows.map((r) => [r.code, r.label, r.n])).toEqual(byHand[f.figure]!.rows.map(([c, l, n]) => [c, l, n]));
      g.rows.forEach((r, k) => expect(Math.abs(r.estimate - byHand[f.figure]!.rows[k]![3])).toBeLessThan(1e-12));
    }
  });

  it('equals R re-estimating the tables from the two-version responses.csv (svydesign + subset, and the syntax file’s praksis_table) to 1e-9', () => {
    const report = reports.get(name)!;
    const reference = parseCsv(readFileSync(`${fixtures}reference.csv`, 'utf8'));
    expect(reference.rows.length).toBe(13);
    for (const [method, figure, category, estimate, se] of reference.rows) {
      const row = report.figures.find((f) => f.figure === Number(figure))!.groups[0]!.rows.find((r) => r.code === category);
      expect(row, `${method} figure ${figure} ${category}`).toBeDefined();
      expect(Math.abs(row!.estimate - Number(estimate))).toBeLessThan(1e-9);
      expect(Math.abs(row!.se - Number(se))).toBeLessThan(1e-9);
    }
  });

  it('says under the changed figures what changed between which versions, and nothing under the unchanged one', () => {
    const report = reports.get(name)!;
    expect(report.figures.map((f) => f.changes)).toEqual([[SAMARBEJDE_NOTE], [], [NY_NOTE]]);
    const [one, two, three] = reportSpecs(report);
    expect(one!.notes).toContain(SAMARBEJDE_NOTE);
    expect(one!.notes).toContain(MIDDEL_NOTE);
    expect(one!.categories).toEqual(['Rigtig godt', 'Dårligt', 'Middel (kun version 1)']);
    expect(two!.notes.some((n) => n.includes('version'))).toBe(false);
    expect(three!.notes).toContain(NY_NOTE);
  });
});

describe('without the versions the removed option is not silently lost', () => {
  it('a report given only the latest version refuses the answer it cannot place, naming it', () => {
    expect(() => buildReport(study, frame, responses, { weighting: 'equal' })).toThrow(/samarbejde.*"middel"/);
  });

  it('an answer with a removed "Ved ikke"-like option stays outside the base, as the figure’s rule says', () => {
    const oldVedIkke = { ...v1, sections: v1.sections.map((s) => ({ ...s, questions: s.questions.map((q) => (q.id === 'samarbejde' && q.type === 'scale' ? { ...q, options: [...q.options, { code: 'usikker', label: 'Usikker', nonSubstantive: true, other: false }] } : q)) })) };
    const extra = { ...responses[0]!, id: 'versionstest99abcdef', answers: { samarbejde: 'usikker' } };
    const report = buildReport(study, frame, [...responses, extra], { weighting: 'equal', versions: new Map([['praktikere', [oldVedIkke, v2]]]) });
    const f = report.figures[0]!;
    expect(f.groups[0]!.baseN).toBe(10);
    expect(f.groups[0]!.rows.map((r) => r.code)).toEqual(['godt', 'daarligt', 'middel']);
  });
});

describe('a question the latest version no longer asks', () => {
  it('keeps its figure, from every answer to it, with a note that it was removed', () => {
    const v3 = { ...v2, version: 3, sections: v2.sections.map((s) => ({ ...s, questions: s.questions.filter((q) => q.id !== 'ny_vurdering') })) };
    const report = buildReport({ ...study, questionnaires: [v3] }, frame, responses, { weighting: 'equal', versions: new Map([['praktikere', [v1, v2, v3]]]) });
    const f = report.figures.find((x) => x.figure === 3)!;
    expect(f.question).toBe('ny_vurdering');
    expect(f.changes).toEqual([NY_NOTE, 'Spørgsmålet er ændret mellem version 2 og 3: spørgsmålet er fjernet.']);
    expect(f.groups[0]!.rows.map((r) => [r.code, r.n])).toEqual([['ja', 4], ['nej', 3]]);
    expect(Math.abs(f.groups[0]!.rows[0]!.estimate - 31 / 46)).toBeLessThan(1e-12);
  });

  it('gives way to the figure the latest version numbers the same', () => {
    const v3 = { ...v2, version: 3, sections: v2.sections.map((s) => ({ ...s, questions: s.questions.map((q) => (q.id === 'ny_vurdering' ? { ...q, id: 'anden_vurdering' } : q)) })) };
    const report = buildReport({ ...study, questionnaires: [v3] }, frame, responses, { weighting: 'equal', versions: new Map([['praktikere', [v1, v2, v3]]]) });
    expect(report.figures.map((f) => [f.figure, f.question])).toEqual([[1, 'samarbejde'], [2, 'redskaber'], [3, 'anden_vurdering']]);
  });
});

describe('the PNG notes and the Word file', () => {
  it('the Word file prints the change notes under the figure', async () => {
    const report = reports.get('files')!;
    const blank = { png: Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')), width: 1, height: 1 };
    const bytes = await reportDocx({ title: study.title, report, demo: false }, () => blank);
    const xml = await (await JSZip.loadAsync(bytes)).file('word/document.xml')!.async('string');
    const text = xml.replace(/<[^>]+>/g, '');
    expect(text).toContain(`• ${SAMARBEJDE_NOTE}`);
    expect(text).toContain(`• ${NY_NOTE}`);
    expect(text).toContain('Middel (kun version 1)');
  });

  it('the figure spec the PNG is drawn from carries the same notes', () => {
    const report = reports.get('files')!;
    expect(figureSpec(report, report.figures[0]!).notes.slice(-2)).toEqual([SAMARBEJDE_NOTE, MIDDEL_NOTE]);
  });
});

describe('through the results use cases: a stored study published twice', () => {
  const admin = { id: null, login: 'admin', name: 'Admin', role: 'admin' as const, studies: [] };
  let store: Store;
  let place: string;
  beforeAll(async () => {
    place = await tempDir('praksis-versions-service-');
    store = await openStore(place);
  });
  afterAll(async () => {
    await store.close();
    await rm(place, { recursive: true, force: true });
  });

  it('/tables names the changed figures, the exports carry both versions', async () => {
    const ctx = createContext(defs, store);
    const { version: _v, ...first } = v1;
    await createStudy(ctx, admin, { ...study, questionnaires: [first] });
    expect((await publishQuestionnaire(ctx, admin, study.id, 'praktikere', {})).version).toBe(1);
    const { version: _w, ...second } = v2;
    await saveDraft(ctx, admin, study.id, 'praktikere', second, (await draftView(ctx, study.id, 'praktikere')).etag);
    expect(await publishQuestionnaire(ctx, admin, study.id, 'praktikere', { confirm: true })).toMatchObject({ version: 2, change: 'breaking' });
    await store.responses.addMany(responses);

    const tables = await tablesJson(ctx, study.id, {});
    expect(tables.changes).toEqual([
      { figure: 1, question: 'samarbejde', notes: [SAMARBEJDE_NOTE] },
      { figure: 3, question: 'ny_vurdering', notes: [NY_NOTE] },
    ]);
    const middel = tables.rows.find((r) => r.figure === 1 && r.category === 'middel')!;
    expect(Math.abs(middel.estimate! - 7 / 54)).toBeLessThan(1e-12);

    const csv = parseCsv((await responsesExport(ctx, study.id, {})).text);
    const fixture = parseCsv(readFileSync(`${fixtures}versioner-responses.csv`, 'utf8'));
    expect(csv.header).toEqual(fixture.header);
    const version = csv.header.indexOf('version');
    expect(csv.rows.map((r) => r[version]).sort()).toEqual(responses.map((r) => String(r.version)).sort());
    expect((await codebookExport(ctx, study.id, {})).text).toBe(readFileSync(`${fixtures}versioner-codebook.csv`, 'utf8'));
  });

  it('the free-text page lists a text question only the earlier version asked, with its answers', async () => {
    const ctx = createContext(defs, store);
    const comment = { id: 'kommentar', type: 'text', required: false, text: 'Har du en kommentar?' };
    const { version: _v, ...first } = v1;
    const withComment = { ...first, sections: first.sections.map((s) => ({ ...s, questions: [...s.questions, comment] })) };
    await createStudy(ctx, admin, { ...study, id: 'fritekst', questionnaires: [withComment] });
    await publishQuestionnaire(ctx, admin, 'fritekst', 'praktikere', {});
    await saveDraft(ctx, admin, 'fritekst', 'praktikere', first, (await draftView(ctx, 'fritekst', 'praktikere')).etag);
    await publishQuestionnaire(ctx, admin, 'fritekst', 'praktikere', { confirm: true });
    await store.responses.addMany([
      { ...responses[0]!, id: 'fritekst00abcdefghij', study: 'fritekst', answers: { samarbejde: 'godt', kommentar: 'Fint samarbejde' } },
      { ...responses[1]!, id: 'fritekst01abcdefghij', study: 'fritekst', version: 2, answers: { samarbejde: 'middel' } },
    ]);
    const texts = await freeTexts(ctx, 'fritekst', 'praktikere');
    expect(texts.responses).toBe(2);
    expect(texts.fields).toEqual([{ key: 'kommentar', label: 'Har du en kommentar?', texts: ['Fint samarbejde'] }]);
  });
});
