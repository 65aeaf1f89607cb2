/**
 * Results across versions through the real app: a study created and published over the API,
 * answered on version 1, changed (a label, a removed option, a new question) and published again
 * with the breaking change confirmed, answered on version 2. The report page, `/tables`, the PNG
 * and the Word file of the figure whose question changed say so in Danish; the numbers count both
 * versions' answers (the same known answers as versions.test.ts); responses.csv has both versions.
 */
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/export/csv-parse.ts';
import { responses, study, v1, v2 } from '../fixtures/versions/study.ts';
import { API_KEY, Client, decodeEntities, signIn, startApp, type Running } from '../http/helpers.ts';

const SAMARBEJDE_NOTE = 'Spørgsmålet er ændret mellem version 1 og 2: svarmuligheden »Middel« er fjernet; svarmuligheden »Godt« hedder nu »Rigtig godt«.';
const bearer = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };
const api = `/api/v1/studies/${study.id}`;

let app: Running;
async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${app.url}${path}`, { method, headers: { ...bearer, ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return res;
}
const submit = async (version: 1 | 2) => {
  for (const r of responses.filter((x) => x.version === version)) {
    const res = await call('POST', '/api/v1/responses', { study: study.id, questionnaire: 'praktikere', municipality: r.municipality, answers: r.answers });
    expect(res.status, await res.clone().text()).toBe(201);
  }
};

beforeAll(async () => {
  app = await startApp();
  const { version: _a, ...first } = v1;
  expect((await call('POST', '/api/v1/studies', { ...study, questionnaires: [first] })).status).toBe(201);
  expect((await call('POST', `${api}/questionnaires/praktikere/publish`, {})).status).toBe(200);
  await submit(1);
  const etag = (await call('GET', `${api}/questionnaires/praktikere/draft`)).headers.get('etag')!;
  const { version: _b, ...second } = v2;
  expect((await call('PUT', `${api}/questionnaires/praktikere/draft`, second, { 'if-match': etag })).status).toBe(200);
  expect((await call('POST', `${api}/questionnaires/praktikere/publish`, {})).status).toBe(409);
  const published = await (await call('POST', `${api}/questionnaires/praktikere/publish`, { confirm: true })).json();
  expect(published).toMatchObject({ version: 2, change: 'breaking' });
  await submit(2);
}, 60_000);
afterAll(async () => {
  await app?.close();
});

describe('a study answered on two versions', () => {
  it('/tables counts both versions (the hand-worked shares) and names the change', async () => {
    const tables = await (await call('GET', `${api}/tables`)).json();
    const share = (figure: number, category: string) => tables.rows.find((r: { figure: number; category: string }) => r.figure === figure && r.category === category).estimate;
    expect(share(1, 'godt')).toBeCloseTo(29 / 54, 12);
    expect(share(1, 'middel')).toBeCloseTo(7 / 54, 12);
    expect(share(3, 'ja')).toBeCloseTo(31 / 46, 12);
    expect(tables.changes.map((c: { figure: number }) => c.figure)).toEqual([1, 3]);
    expect(tables.changes[0].notes).toEqual([SAMARBEJDE_NOTE]);
  });

  it('responses.csv has each response’s version', async () => {
    const csv = parseCsv(await (await call('GET', `${api}/exports/responses.csv`)).text());
    const version = csv.header.indexOf('version');
    expect(csv.header[version - 1]).toBe('questionnaire');
    expect(csv.rows.map((r) => r[version]).sort()).toEqual(responses.map((r) => String(r.version)).sort());
  });

  it('the report page shows the note under the figure and the removed option as its own category', async () => {
    const client = new Client(app.url);
    await signIn(client);
    const html = decodeEntities(await (await client.get(`/admin/studies/${study.id}/report`)).text());
    expect(html).toContain(SAMARBEJDE_NOTE);
    expect(html).toContain('Middel (kun version 1)');
  });

  it('the PNG of the figure is drawn, and the Word file prints the note', async () => {
    const png = await call('GET', `${api}/figures/figur-1.png`);
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    const docx = await call('GET', `${api}/report.docx`);
    expect(docx.status).toBe(200);
    const xml = await (await JSZip.loadAsync(await docx.arrayBuffer())).file('word/document.xml')!.async('string');
    expect(decodeEntities(xml.replace(/<[^>]+>/g, ''))).toContain(SAMARBEJDE_NOTE);
  });
});
