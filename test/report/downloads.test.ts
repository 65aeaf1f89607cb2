/**
 * The report's downloads through the real app (port 0, temp data dir, demo data): every figure as
 * a server-drawn PNG (the report page's "Hent PNG" links) and the whole report as a Word document,
 * read back from its zip.
 */
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadDemo } from '../../src/services/demo.ts';
import { studyReport } from '../../src/services/results.ts';
import { danishNumber, danishPercent, reportSpecs } from '../../src/report/figures.ts';
import type { Report } from '../../src/report/tables.ts';
import { API_KEY, Client, signIn, startApp, type Running } from '../http/helpers.ts';

let app: Running;
let client: Client;
let report: Report;
const study = 'integration_2016';
const base = `/admin/studies/${study}`;
const api = `/api/v1/studies/${study}`;
const bearer = { authorization: `Bearer ${API_KEY}` };
// Each test draws up to 25 figures; on a loaded machine that takes a while (nothing here asserts a time).
vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });
const PUBLISHED = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 14, 15, 16, 17, 18, 19, 20, 21, 22];

beforeAll(async () => {
  app = await startApp();
  await loadDemo(app.context);
  client = new Client(app.url);
  await signIn(client);
  report = (await studyReport(app.context, study, {})).report;
});
afterAll(async () => {
  await app.close();
});

/** The PNG's size from its IHDR chunk, after checking the 8 signature bytes. */
function pngSize(bytes: Uint8Array): { width: number; height: number } {
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

describe('figures as PNG', () => {
  it('every figure of the report page links to its server PNG, and each is a real PNG of a sensible size', async () => {
    const html = await (await client.get(`${base}/report`)).text();
    const links = [...html.matchAll(/<a class="download-png" data-figure="([^"]+)" href="([^"]+)"/g)].map((m) => ({ id: m[1]!, href: m[2]! }));
    const ids = links.map((l) => l.id);
    for (const n of PUBLISHED) expect(ids).toContain(`figur-${n}`);
    expect(ids.filter((id) => id.startsWith('bilag-'))).toHaveLength(report.appendix.length);
    expect(ids).toEqual(reportSpecs(report).map((s) => s.id));
    for (const { id, href } of links) {
      expect(href).toBe(`${base}/figures/${id}.png`);
      const res = await client.get(href);
      expect(res.status, id).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${study}-${id}.png"`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      const size = pngSize(bytes);
      expect(size.width, id).toBe(1520);
      expect(size.height, id).toBeGreaterThan(400);
      expect(size.height, id).toBeLessThan(4000);
      expect(bytes.length, id).toBeGreaterThan(20_000);
    }
  });

  it('the API gives the same figures, with the weighting of the query; unknown figures are 404', async () => {
    const page = new Uint8Array(await (await client.get(`${base}/figures/figur-1.png?weighting=none`)).arrayBuffer());
    const res = await fetch(`${app.url}${api}/figures/figur-1.png?weighting=none`, { headers: bearer });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${study}-figur-1-none.png"`);
    // Buffer.equals, not a deep toEqual of 100 KB: a slow comparison under load outlasts the server's
    // 5 s keep-alive and the next request meets a closed socket.
    const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
    expect(same(new Uint8Array(await res.arrayBuffer()), page)).toBe(true);
    const weighted = new Uint8Array(await (await fetch(`${app.url}${api}/figures/figur-1.png`, { headers: bearer })).arrayBuffer());
    expect(same(weighted, page)).toBe(false);
    const appendix = await fetch(`${app.url}${api}/figures/bilag-rolle-ledere.png`, { headers: bearer });
    expect(pngSize(new Uint8Array(await appendix.arrayBuffer())).width).toBe(1520);
    for (const unknown of ['figur-99', 'figur-11', 'bilag-nope']) {
      expect((await fetch(`${app.url}${api}/figures/${unknown}.png`, { headers: bearer })).status, unknown).toBe(404);
      expect((await client.get(`${base}/figures/${unknown}.png`)).status, unknown).toBe(404);
    }
    expect((await client.get(`${base}/figures/figur-1.png?weighting=bogus`)).status).toBe(400);
  });

  it('the report page links the PNGs and the Word file with the weighting shown', async () => {
    const html = await (await client.get(`${base}/report?weighting=size`)).text();
    expect(html).toContain(`href="${base}/figures/figur-7.png?weighting=size"`);
    expect(html).toContain(`href="${base}/report.docx?weighting=size"`);
  });
});

/** The document's paragraphs as plain text (table cells are paragraphs too), in order. */
async function paragraphs(bytes: ArrayBuffer): Promise<{ texts: string[]; zip: JSZip; xml: string }> {
  const zip = await JSZip.loadAsync(bytes);
  const xml = await zip.file('word/document.xml')!.async('string');
  const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
  const texts = xml.split('</w:p>').map((p) => decode([...p.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('')));
  return { texts, zip, xml };
}

describe('the report as a Word document', () => {
  it('has every figure (number, title, image, caption, notes and its table), the appendix and the demo label', async () => {
    const res = await fetch(`${app.url}${api}/report.docx`, { headers: bearer });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${study}-rapport.docx"`);
    const { texts, zip, xml } = await paragraphs(await res.arrayBuffer());
    expect(texts.some((t) => t.startsWith('Demodata'))).toBe(true);
    expect(texts).toContain(`Vægtning: ${report.weightingNote} Opdelinger med færre end ${report.minCellSize} svar vises ikke, og der vises aldrig tal for en enkelt kommune.`);
    expect(texts).toContain('Bilag: respondenter');

    const specs = reportSpecs(report);
    expect(specs.map((s) => s.number)).toEqual([...PUBLISHED.map((n) => `Figur ${n}`), ...report.appendix.map((_, i) => `Bilagsfigur ${i + 1}`)]);
    for (const spec of specs) {
      const at = texts.indexOf(`${spec.number}. ${spec.title}`);
      expect(at, spec.number).toBeGreaterThan(-1);
      expect(texts.slice(at, at + 4), spec.number).toContain(spec.caption);
      for (const note of spec.notes) expect(texts.slice(at), spec.number).toContain(`• ${note}`);
    }
    // Each figure's table: per group shown, every row as on the report page (answer, n, share, SE, CI).
    let tables = 0;
    for (const figure of report.figures) {
      for (const g of figure.groups.filter((x) => !x.suppressed)) {
        tables += 1;
        for (const r of g.rows) {
          const row = [r.label, String(r.n), danishPercent(r.estimate, 1), danishNumber(r.se * 100), `${danishNumber(r.ciLow * 100)}–${danishNumber(r.ciHigh * 100)}`];
          const k = texts.findIndex((t, i) => row.every((cell, j) => texts[i + j] === cell) && t === row[0]);
          expect(k, `Figur ${figure.figure}, ${g.groupLabel}: ${r.label}`).toBeGreaterThan(-1);
        }
      }
    }
    for (const a of report.appendix) {
      tables += 1;
      const first = [a.categories[0]!, ...a.series.map((s) => (a.unit === 'share' ? `${danishPercent(s.values[0]!, 0)} (${s.counts[0]})` : String(s.counts[0])))];
      expect(texts.findIndex((_, i) => first.every((cell, j) => texts[i + j] === cell)), a.title).toBeGreaterThan(-1);
    }
    expect(xml.match(/<w:tbl>/g)).toHaveLength(tables);
    // One image per figure with numbers, each a PNG in the package.
    const drawn = specs.filter((s) => s.series.length > 0).length;
    expect(drawn).toBe(specs.length);
    expect(xml.match(/<pic:pic[ >]/g)).toHaveLength(drawn);
    const media = Object.keys(zip.files).filter((f) => f.startsWith('word/media/'));
    expect(media).toHaveLength(drawn);
    for (const f of media) pngSize(await zip.file(f)!.async('uint8array'));
    // Written to the activity log like the CSV downloads.
    const logged = (await app.store.users.activity()).filter((e) => e.action === 'export' && e.study === study).map((e) => e.detail);
    expect(logged).toContain(`${study}-rapport.docx`);
    expect(logged).toContain(`${study}-figur-7.png`);
  });

  it('is linked from the report page and follows the weighting; a store without demo data has no demo label', async () => {
    const html = await (await client.get(`${base}/report`)).text();
    expect(html).toContain(`href="${base}/report.docx"`);
    const res = await client.get(`${base}/report.docx?weighting=none`);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${study}-rapport-none.docx"`);
    const { texts } = await paragraphs(await res.arrayBuffer());
    expect(texts.join('\n')).toContain('Som i rapporten (uvægtet)');

    const empty = await startApp();
    try {
      const doc = await fetch(`${empty.url}${api}/report.docx`, { headers: bearer });
      expect(doc.status).toBe(200);
      const { texts: emptyTexts } = await paragraphs(await doc.arrayBuffer());
      expect(emptyTexts).toContain('Figur 1. ' + report.figures[0]!.title);
      expect(emptyTexts.join('\n')).not.toContain('Demodata');
    } finally {
      await empty.close();
    }
  });
});
