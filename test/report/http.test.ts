/** The report page and the exports through the real app (port 0, temp data dir, demo data). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../src/services/demo.ts';
import { parseCsv } from '../../src/export/csv-parse.ts';
import { API_KEY, Client, hashDir, signIn, startApp, type Running } from '../http/helpers.ts';

let app: Running;
let client: Client;
const base = '/admin/studies/integration_2016';
const api = '/api/v1/studies/integration_2016';
const bearer = { authorization: `Bearer ${API_KEY}` };

beforeAll(async () => {
  app = await startApp();
  await loadDemo(app.context);
  client = new Client(app.url);
  await signIn(client);
});
afterAll(async () => {
  await app.close();
});

describe('report page', () => {
  it('shows every figure 1-10 and 14-22 and the appendix, with real N in the captions and a text alternative', async () => {
    const res = await client.get(`${base}/report`);
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 14, 15, 16, 17, 18, 19, 20, 21, 22]) expect(html).toContain(`id="figur-${n}"`);
    expect(html).toContain('Kilde: LG Insight (Ledere/N=69, praktikere/N=126)'); // Figur 1 as published (seed l. 287)
    expect(html).toContain('Kilde: LG Insight (Praktikere/N=');
    expect(html).toContain('id="bilag-rolle-ledere"');
    expect(html).toMatch(/<canvas id="figur-1-canvas"[^>]*role="img" aria-label="Figur 1/);
    expect(html).toContain('<summary>Vis tabel');
    expect(html).toContain('statistisk signifikant');
    expect(html).toContain('<script src="/assets/report.js" defer></script>');
    expect(html).not.toMatch(/<script>(?!<\/script>)/);
  });

  it('switches weighting and says how the figures are weighted', async () => {
    const html = await (await client.get(`${base}/report?weighting=none`)).text();
    expect(html).toContain('Som i rapporten (uvægtet): hver besvarelse tæller lige meget.');
    expect((await client.get(`${base}/report?weighting=bogus`)).status).toBe(400);
  });

  it('serves the bundled chart script from node_modules (no CDN)', async () => {
    const res = await client.get('/assets/report.js');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('figure-specs');
  });

  it('requires sign-in', async () => {
    const res = await new Client(app.url).get(`${base}/report`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/admin\/login/);
  });
});

describe('exports', () => {
  it('UI downloads: responses, tables per figure, codebook', async () => {
    const responses = await client.get(`${base}/exports/responses.csv`);
    expect(responses.headers.get('content-type')).toMatch(/text\/csv/);
    const csv = parseCsv(await responses.text());
    expect(csv.rows).toHaveLength(201);
    const tables = parseCsv(await (await client.get(`${base}/exports/tables.csv?figure=7`)).text());
    expect(new Set(tables.rows.map((r) => r[0]))).toEqual(new Set(['7']));
    expect((await client.get(`${base}/exports/tables.csv?figure=99`)).status).toBe(404);
    expect((await (await client.get(`${base}/exports/codebook.csv`)).text())).toContain('"kontrakt_frist"');
  });

  it('every CSV in both dialects under its own file name, and the R and SPSS syntax files', async () => {
    for (const what of ['responses', 'tables', 'codebook']) {
      const standard = await client.get(`${base}/exports/${what}.csv`);
      const excel = await client.get(`${base}/exports/${what}.csv?dialect=excel-da`);
      expect(standard.headers.get('content-disposition')).toBe(`attachment; filename="integration_2016-${what}.csv"`);
      expect(excel.headers.get('content-disposition')).toBe(`attachment; filename="integration_2016-${what}-excel-da.csv"`);
      expect([...new Uint8Array(await excel.arrayBuffer()).slice(0, 4)]).toEqual([0xef, 0xbb, 0xbf, 0x22]);
    }
    for (const [ext, says] of [['R', 'svydesign(ids = ~cluster, weights = ~weight'], ['sps', 'VALUE LABELS']] as const) {
      for (const res of [await client.get(`${base}/exports/responses.${ext}`), await fetch(`${app.url}${api}/exports/responses.${ext}`, { headers: bearer })]) {
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
        expect(res.headers.get('content-disposition')).toBe(`attachment; filename="integration_2016-responses.${ext}"`);
        expect(await res.text()).toContain(says);
      }
    }
    expect((await fetch(`${app.url}${api}/exports/responses.R`)).status).toBe(401);
  });

  it('API: 401 without the key, CSV and JSON with it, identical numbers', async () => {
    for (const path of ['exports/responses.csv', 'exports/tables.csv', 'exports/codebook.csv', 'tables']) {
      expect((await fetch(`${app.url}${api}/${path}`)).status).toBe(401);
      expect((await fetch(`${app.url}${api}/${path}`, { headers: { authorization: 'Bearer wrong-key-wrong-key' } })).status).toBe(401);
    }
    const json = (await (await fetch(`${app.url}${api}/tables?weighting=equal`, { headers: bearer })).json()) as { rows: { figure: number; group: string; category: string; estimate: number }[] };
    const csv = parseCsv(await (await fetch(`${app.url}${api}/exports/tables.csv?weighting=equal`, { headers: bearer })).text());
    expect(csv.rows).toHaveLength(json.rows.length);
    const first = json.rows[0]!;
    expect(Number(csv.rows[0]![6])).toBe(first.estimate);
  });

  it('responses.csv carries pseudonymous clusters, the municipality only when asked for', async () => {
    const plain = parseCsv(await (await fetch(`${app.url}${api}/exports/responses.csv`, { headers: bearer })).text());
    expect(plain.header).not.toContain('municipality');
    const again = parseCsv(await (await fetch(`${app.url}${api}/exports/responses.csv`, { headers: bearer })).text());
    expect(again.rows.map((r) => r[3])).toEqual(plain.rows.map((r) => r[3]));
    const identified = parseCsv(await (await fetch(`${app.url}${api}/exports/responses.csv?identify=municipality`, { headers: bearer })).text());
    expect(identified.header).toContain('municipality');
  });

  it('excel-da dialect and bad parameters', async () => {
    const bytes = new Uint8Array(await (await fetch(`${app.url}${api}/exports/tables.csv?dialect=excel-da`, { headers: bearer })).arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    expect(text).toContain('"figure";"question"');
    const before = await hashDir(app.dataDir);
    for (const q of ['dialect=xls', 'weighting=all', 'identify=name', 'figure=abc', 'other=1']) {
      const res = await fetch(`${app.url}${api}/exports/tables.csv?${q}`, { headers: bearer });
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/query parameter/);
    }
    expect(await hashDir(app.dataDir)).toEqual(before);
    expect((await fetch(`${app.url}/api/v1/studies/nope/tables`, { headers: bearer })).status).toBe(404);
  });
});
