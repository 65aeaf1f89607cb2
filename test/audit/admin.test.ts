/**
 * The audit pages of the evaluator area through the real app: the case form (typed values kept,
 * problems named by field, rows added without JavaScript, outcomes once saved), CSV upload on the
 * page (refused whole, by line), the results page (Figur 11–13, 23, 24 with caption, tables, the
 * rule, mean days, Kaplan–Meier) and the PNG figures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, csrfTokenOf, decodeEntities, hashDir, signIn, startApp, type Running } from '../http/helpers.ts';
import { fixture } from './helpers.ts';

let app: Running;
let client: Client;
const text = (html: string) => decodeEntities(html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' '));
const valueOf = (html: string, name: string) => decodeEntities(new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '');

async function form(path: string, fields: Record<string, string>): Promise<Response> {
  const page = await (await client.get(path)).text();
  return client.postForm(path.replace(/\/new$/, ''), { _csrf: csrfTokenOf(page), ...fields });
}

beforeAll(async () => {
  app = await startApp();
  client = new Client(app.url);
  expect((await signIn(client)).status).toBe(303);
});
afterAll(async () => {
  await app.close();
});

const base = { case_id: 'T01', municipality: 'Kommune A', rows_followup: '3', review_date: '30-06-2015', on_benefits: 'ja' };

describe('the audit pages', () => {
  it('need a session', async () => {
    const res = await new Client(app.url).get('/admin/audits/journal_2016');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/admin\/login/);
  });

  it('a case entered by hand is saved and shows its outcomes (the deadline day is on time; 31 January + 1 month = 29 February)', async () => {
    const res = await form('/admin/audits/journal_2016/cases/new', { ...base, takeover_date: '31-01-2016', contract_date: '29-02-2016', health_offer_date: '', health_offer_date_ukendt: '1', review_date: '30-06-2016', ev_followup_0: '20-05-2016', ev_followup_1: '', ev_followup_2: '' });
    expect(res.status).toBe(303);
    const page = await (await client.get(res.headers.get('location')!)).text();
    const words = text(page);
    expect(words).toMatch(/Integrationskontrakten senest 1 måned .* Sagen 29-02-2016 Rettidigt/);
    expect(words).toMatch(/Opfølgningskontakt 1 \(20-05-2016\) 29-05-2016 Rettidigt/);
    expect(words).toMatch(/Tilbud om helbredsmæssig vurdering .* Kan ikke vurderes/);
    expect(valueOf(page, 'contract_date')).toBe('29-02-2016');
    const csv = await (await client.get('/admin/audits/journal_2016/cases.csv')).text();
    expect(csv).toContain('"T01","Kommune A","2016-01-31","2016-02-29","ja","ukendt","","","","2016-06-30"');
  });

  it('refuses a bad case naming every field, keeps what was typed, stores nothing', async () => {
    const before = await hashDir(app.dataDir);
    const res = await form('/admin/audits/journal_2016/cases/new', {
      ...base, case_id: '010190-1234', municipality: '', takeover_date: '10-03-2014', contract_date: '01-03-2014', health_request_date: '30-02-2014',
      health_accepted: 'ja', health_delivered_date: '01-07-2015', review_date: '30-06-2015', ev_followup_0: '01-01-2016', ev_followup_1: '', ev_followup_2: '',
    });
    expect(res.status).toBe(400);
    const page = await res.text();
    const summary = text(/<div id="fejlopsummering"[\s\S]*?<\/div>/.exec(page)![0]);
    expect(summary).toContain('Der er 6 problemer med sagen');
    expect(summary).toMatch(/ligner et CPR-nummer/);
    expect(summary).toMatch(/Skriv kommunen/);
    expect(summary).toMatch(/Integrationskontrakten underskrevet: kan ikke ligge før »Kommunen overtog integrationsansvaret«/);
    expect(summary).toMatch(/Lægen modtog anmodningen: »30-02-2014« er ikke en dato/);
    expect(summary).toMatch(/Lægen leverede vurderingen: kan ikke ligge efter »Sagen gennemgået«/);
    expect(summary).toMatch(/Opfølgningskontakt 1: kan ikke ligge efter »Sagen gennemgået«/);
    expect(page).toContain('href="#f-contract_date"');
    expect(page).toContain('id="f-contract_date"');
    expect([valueOf(page, 'case_id'), valueOf(page, 'contract_date'), valueOf(page, 'health_request_date'), valueOf(page, 'ev_followup_0')]).toEqual(['010190-1234', '01-03-2014', '30-02-2014', '01-01-2016']);
    expect(await hashDir(app.dataDir)).toEqual(before);
  });

  it('»add row« adds a follow-up row without JavaScript and keeps the rows typed', async () => {
    const res = await form('/admin/audits/journal_2016/cases/new', { ...base, case_id: 'T02', takeover_date: '06-01-2014', ev_followup_0: '01-02-2014', ev_followup_1: '', ev_followup_2: '', add: 'followup' });
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(valueOf(page, 'rows_followup')).toBe('4');
    expect(page).toContain('name="ev_followup_3"');
    expect(valueOf(page, 'ev_followup_0')).toBe('01-02-2014');
  });

  it('a new case may not take a stored case\'s id; a stored case is edited on its own page', async () => {
    const res = await form('/admin/audits/journal_2016/cases/new', { ...base, takeover_date: '06-01-2014' });
    expect(res.status).toBe(400);
    expect(text(await res.text())).toMatch(/Der findes allerede en sag med id »T01«/);
    const edit = await form('/admin/audits/journal_2016/cases/T01', { ...base, case_id: 'ignored', takeover_date: '31-01-2016', contract_date: '', review_date: '30-06-2016', ev_followup_0: '', ev_followup_1: '', ev_followup_2: '' });
    expect(edit.status).toBe(303);
    const page = text(await (await client.get('/admin/audits/journal_2016/cases/T01')).text());
    expect(page).toMatch(/Sagen 29-02-2016 For sent \(ikke sket ved gennemgangen\)/);
  });

  it('CSV pasted on the page: a bad file is refused whole with its lines, a good one imported', async () => {
    const path = '/admin/audits/journal_2016';
    const page = await (await client.get(path)).text();
    const header = fixture('cases.csv').split('\n')[0]!;
    const bad = await client.postForm(`${path}/upload/cases`, { _csrf: csrfTokenOf(page), csv: `${header}\nX1,Kommune A,2014-13-01,,ja,,,,,2015-06-30\nX2,Kommune A,2014-01-01,,ja,,,,,\n` });
    expect(bad.status).toBe(400);
    const words = text(await bad.text());
    expect(words).toMatch(/cases\.csv blev ikke indlæst: 2 problemer\. Intet er ændret\./);
    expect(words).toMatch(/Linje 2 \(takeover_date\)/);
    expect(words).toMatch(/Linje 3 \(review_date\)/);
    const good = await client.postForm(`${path}/upload/cases`, { _csrf: csrfTokenOf(page), csv: fixture('cases.csv') });
    expect(good.status).toBe(303);
    expect(text(await (await client.get(good.headers.get('location')!)).text())).toMatch(/Sagerne er indlæst: 100 nye, 0 opdateret/);
    const events = await client.postForm(`${path}/upload/events`, { _csrf: csrfTokenOf(page), csv: fixture('events.csv') });
    expect(events.status).toBe(303);
  });

  it('a CSV file chosen on the page (multipart upload, Danish Excel) is read like the pasted text; a bad one is refused by line', async () => {
    const path = '/admin/audits/ankestyrelsen_2019';
    const page = await (await client.get(path)).text();
    const upload = (file: string, name = 'cases.csv') => {
      const form = new FormData();
      form.set('_csrf', csrfTokenOf(page));
      form.set('file', new Blob([file], { type: 'text/csv' }), name);
      form.set('csv', '');
      return fetch(`${app.url}${path}/upload/cases`, { method: 'POST', body: form, redirect: 'manual', headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    };
    const header = 'case_id;municipality;takeover_date;review_date';
    const bad = await upload(`\uFEFF${header}\r\nY1;Kommune Æ;31-04-2018;30-06-2019\r\n`);
    expect(bad.status).toBe(400);
    expect(text(await bad.text())).toMatch(/Linje 2 \(takeover_date\): "31-04-2018" is not a date/);
    const good = await upload(`\uFEFF${header}\r\nY1;Kommune Æ;30-04-2018;30-06-2019\r\n`);
    expect(good.status).toBe(303);
    expect(valueOf(await (await client.get(`${path}/cases/Y1`)).text(), 'municipality')).toBe('Kommune Æ');
    // Without the CSRF token the upload is refused.
    const form = new FormData();
    form.set('file', new Blob(['x']), 'cases.csv');
    const forged = await fetch(`${app.url}${path}/upload/cases`, { method: 'POST', body: form, redirect: 'manual', headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    expect(forged.status).toBe(403);
  });

  it('the results page: Figur 11, 12, 13, 23, 24 with caption, table, rule, mean days and the Kaplan–Meier curve; no municipality named', async () => {
    const html = await (await client.get('/admin/audits/journal_2016/results')).text();
    const words = text(html);
    for (const n of ['11', '12', '13', '23', '24']) expect(html).toContain(`id="figur-${n}-canvas"`);
    expect(words).toContain('Kilde: LG Insight, 100 journalanalyser i 5 udvalgte kommuner (N=97)');
    expect(words).toMatch(/Regel: Integrationskontrakten senest 1 måned efter, at kommunen overtog integrationsansvaret \(frist: 1 måned; en dato på fristens dag er rettidig\)/);
    expect(words).toMatch(/Gennemsnitligt antal dage til kontrakten: \d+ dage \(95 pct\. konfidensinterval/);
    expect(html).toContain('src="/admin/audits/journal_2016/figures/km.png"');
    expect(words).not.toMatch(/Kommune [A-E]/);
    expect(html).toContain('<script type="application/json" id="figure-specs">');
  });

  it('double entry: a second entry of a stored case, its disagreements per field, identical dates and kappa', async () => {
    const unknown = await form('/admin/audits/journal_2016/second/new', { ...base, case_id: 'NOPE', takeover_date: '06-01-2014' });
    expect(unknown.status).toBe(400);
    expect(text(await unknown.text())).toMatch(/ingen sag med id »NOPE« i den første indtastning/);
    // A01 of the fixture: takeover 06-01-2014, contract 25-08-2014 (late); the second evaluator reads 25-01-2014 (on time).
    const a01 = fixture('cases.csv').split('\n').find((l) => l.startsWith('A01,'))!.split(',');
    const res = await form('/admin/audits/journal_2016/second/new', {
      case_id: 'A01', municipality: 'Kommune A', takeover_date: '06-01-2014', contract_date: '25-01-2014', on_benefits: a01[4]!, health_offer_date: '21-01-2014',
      health_accepted: 'ja', health_request_date: '26-01-2014', health_delivered_date: '', review_date: '30-06-2015', rows_followup: '3', ev_followup_0: '09-10-2014', ev_followup_1: '30-11-2014', ev_followup_2: '',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/audits/journal_2016/second/A01');
    const page = await (await client.get('/admin/audits/journal_2016/agreement')).text();
    const words = text(page);
    expect(words).toMatch(/Sager indtastet to gange: 1 ?\. Identiske datoer: 83,3 pct\. \(5 af 6 datofelter\)/);
    expect(text(/<table id="uenigheder">[\s\S]*?<\/table>/.exec(page)![0])).toMatch(/Anden indtastning A01 Integrationskontrakten underskrevet 25-08-2014 25-01-2014 ?$/);
    expect(words).toMatch(/Kappa Integrationskontrakten senest 1 måned [^0-9]* 1 0 0,00 Tilbud om helbredsmæssig vurdering [^0-9]*3 måneder[^0-9]* 1 1 1,00/);
    // The first entry and the results are untouched by the second.
    expect(text(await (await client.get('/admin/audits/journal_2016/cases/A01')).text())).toMatch(/Sagen 06-02-2014 For sent/);
  });

  it('serves each figure as a PNG', async () => {
    for (const n of ['11', '12', '13', '23', '24', 'km']) {
      const res = await client.get(`/admin/audits/journal_2016/figures/${n}.png`);
      expect(res.status, n).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect([...bytes.slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      expect(bytes.length).toBeGreaterThan(5000);
    }
    expect((await client.get('/admin/audits/journal_2016/figures/99.png')).status).toBe(404);
  });
});
