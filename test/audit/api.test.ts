/**
 * The audit API through the real app (port 0, a temporary data directory): the 100-case fixture
 * imported in both CSV dialects reproduces the report's numbers and R's (reference.json, 1e-9) in
 * results.csv; a bad file is refused whole with every problem by line and changes nothing; the
 * same case id again updates it; CPR-looking ids and text are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvNumber, parseCsv } from '../../src/export/csv-parse.ts';
import { API_KEY, hashDir, startApp, type Running } from '../http/helpers.ts';
import { fixture, toExcelDa } from './helpers.ts';

const RESULT_COLUMNS = ['figure', 'measure', 'category', 'n', 'base_n', 'estimate', 'se', 'ci_low', 'ci_high'];
interface RefRow { measure: string; category: string; n: number; base_n: number; estimate: number; se: number; ci_low: number | null; ci_high: number | null }
const ref = JSON.parse(fixture('reference.json')) as { journal_2016: { rows: RefRow[] }; ankestyrelsen_2019: { rows: RefRow[] } };

let app: Running;
const auth = { authorization: `Bearer ${API_KEY}` };
const post = (path: string, body: string, headers: Record<string, string> = auth) =>
  fetch(`${app.url}/api/v1/audits/${path}`, { method: 'POST', headers: { 'content-type': 'text/csv', ...headers }, body });
const get = (path: string) => fetch(`${app.url}/api/v1/audits/${path}`, { headers: auth });

interface Row { figure: string; measure: string; category: string; n: number; base_n: number; estimate: number; se: number; ci_low: number; ci_high: number }
async function results(audit: string, dialect?: 'excel-da'): Promise<Row[]> {
  const res = await get(`${audit}/results.csv${dialect ? `?dialect=${dialect}` : ''}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const { header, rows } = parseCsv(bytes);
  expect(header).toEqual(RESULT_COLUMNS);
  const comma = dialect === 'excel-da';
  // Danish Excel: a UTF-8 BOM (fetch's text() would hide it).
  if (comma) expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  else expect(bytes[0]).toBe('"'.charCodeAt(0));
  return rows.map((r) => {
    const num = (k: number) => csvNumber(r[k]!, comma);
    return { figure: r[0]!, measure: r[1]!, category: r[2]!, n: num(3), base_n: num(4), estimate: num(5), se: num(6), ci_low: num(7), ci_high: num(8) };
  });
}

function compare(rows: Row[], refRows: RefRow[], what: string) {
  expect(rows.map((r) => `${r.measure}/${r.category}`)).toEqual(refRows.map((r) => `${r.measure}/${r.category}`));
  let max = 0;
  rows.forEach((r, k) => {
    const e = refRows[k]!;
    expect([r.n, r.base_n], `${r.measure}/${r.category}`).toEqual([e.n, e.base_n]);
    const pairs: [number, number | null][] = [[r.estimate, e.estimate], [r.se, e.se], [r.ci_low, e.ci_low], [r.ci_high, e.ci_high]];
    for (const [ours, theirs] of pairs) {
      if (theirs === null) continue; // p̂ = 0: R gives no beta interval (see r-reference.test.ts)
      max = Math.max(max, Math.abs(ours - theirs));
    }
  });
  expect(max).toBeLessThan(1e-9);
  console.log(`${what}: results.csv vs R, max abs difference ${max.toExponential(2)}`);
}

beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app.close();
});

describe('the audit API', () => {
  it('needs the API key', async () => {
    expect((await post('journal_2016/cases', fixture('cases.csv'), {})).status).toBe(401);
    expect((await fetch(`${app.url}/api/v1/audits/journal_2016/results.csv`)).status).toBe(401);
  });

  it('an unknown audit is 404', async () => {
    expect((await post('no_such_audit/cases', 'case_id\n')).status).toBe(404);
  });

  for (const dialect of ['standard', 'excel-da'] as const) {
    it(`the 100-case fixture imported as ${dialect} gives the report's numbers and R's to 1e-9`, async () => {
      const local = await startApp();
      try {
        const send = (path: string, text: string) =>
          fetch(`${local.url}/api/v1/audits/${path}`, { method: 'POST', headers: { 'content-type': 'text/csv', ...auth }, body: dialect === 'excel-da' ? toExcelDa(text) : text });
        const cases = await send('journal_2016/cases', fixture('cases.csv'));
        expect(cases.status).toBe(200);
        expect(await cases.json()).toEqual({ created: 100, updated: 0, events: 0 });
        const events = await send('journal_2016/events', fixture('events.csv'));
        expect(events.status).toBe(200);
        expect(((await events.json()) as { events: number }).events).toBe(159);
        const res = await fetch(`${local.url}/api/v1/audits/journal_2016/results.csv${dialect === 'excel-da' ? '?dialect=excel-da' : ''}`, { headers: auth });
        const text = await res.text();
        const { header, rows: raw } = parseCsv(text);
        expect(header).toEqual(RESULT_COLUMNS);
        const comma = dialect === 'excel-da';
        const rows: Row[] = raw.map((r) => ({
          figure: r[0]!, measure: r[1]!, category: r[2]!,
          n: csvNumber(r[3]!, comma), base_n: csvNumber(r[4]!, comma), estimate: csvNumber(r[5]!, comma), se: csvNumber(r[6]!, comma), ci_low: csvNumber(r[7]!, comma), ci_high: csvNumber(r[8]!, comma),
        }));
        const at = (measure: string, category: string) => rows.find((r) => r.measure === measure && r.category === category)!;
        const pct = (r: Row, digits = 0) => Number((100 * r.estimate).toFixed(digits));
        // The report's numbers (seed 000 l. 489–512, 813–844).
        expect([at('contract_on_time', 'on_time').figure, pct(at('contract_on_time', 'on_time'), 1), pct(at('contract_on_time', 'late'), 1), at('contract_on_time', 'late').base_n]).toEqual(['11', 88.5, 11.5, 96]);
        expect(Math.round(at('days_to_contract', 'mean').estimate)).toBe(23);
        expect([pct(at('contract_late_delay', 'within_1_month'), 1), pct(at('contract_late_delay', '1_to_3_months'), 1), pct(at('contract_late_delay', 'over_3_months'), 1)]).toEqual([81.8, 0, 18.2]);
        expect(Math.round(at('delay_days', 'mean').estimate)).toBe(52);
        expect(pct(at('followup_on_time', 'on_time'))).toBe(72);
        expect([at('health_offer_on_time', 'on_time').n, at('health_offer_on_time', 'late').n, at('health_offer_on_time', 'unknown').n, at('health_offer_on_time', 'unknown').base_n]).toEqual([72, 27, 1, 100]);
        expect([pct(at('health_accepted', 'ja')), pct(at('health_accepted', 'nej'))]).toEqual([70, 30]);
        expect([Math.round(at('days_to_health_offer_on_time', 'mean').estimate), Math.round(at('days_to_health_offer_late', 'mean').estimate)]).toEqual([35, 163]);
        expect([pct(at('health_delivery', 'on_time')), pct(at('health_delivery', 'not_delivered')), at('health_delivery', 'on_time').base_n]).toEqual([36, 11, 70]);
        expect(at('days_to_contract', 'mean').category).toBe('mean');
        rows.forEach((r) => r.category !== 'mean' && expect(r.estimate >= 0 && r.estimate <= 1, `${r.measure}/${r.category}`).toBe(true));
        compare(rows, ref.journal_2016.rows, `journal_2016 (${dialect})`);
      } finally {
        await local.close();
      }
    });
  }

  it('ankestyrelsen_2019 through the API equals R (1 of 12 on time; 6 of 11 within 4 weeks)', async () => {
    expect((await post('ankestyrelsen_2019/cases', fixture('ankestyrelsen_cases.csv'))).status).toBe(200);
    expect((await post('ankestyrelsen_2019/events', fixture('ankestyrelsen_events.csv'))).status).toBe(200);
    const rows = await results('ankestyrelsen_2019', 'excel-da');
    compare(rows, ref.ankestyrelsen_2019.rows, 'ankestyrelsen_2019 (excel-da)');
    expect(rows.find((r) => r.measure === 'company_offer_on_time' && r.category === 'on_time')).toMatchObject({ n: 1, base_n: 12 });
  });

  it('serves a figure as PNG with the key', async () => {
    await post('journal_2016/cases', fixture('cases.csv'));
    const res = await get('journal_2016/figures/11.png');
    expect([res.status, res.headers.get('content-type')]).toEqual([200, 'image/png']);
    expect([...new Uint8Array(await res.arrayBuffer()).slice(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
    expect((await fetch(`${app.url}/api/v1/audits/journal_2016/figures/11.png`)).status).toBe(401);
  });

  it('cases.csv gives the import format back, and importing it again updates every case and changes no number', async () => {
    await post('journal_2016/cases', fixture('cases.csv'));
    await post('journal_2016/events', fixture('events.csv'));
    const before = await results('journal_2016');
    for (const dialect of ['', '?dialect=excel-da']) {
      const res = await get(`journal_2016/cases.csv${dialect}`);
      const text = await res.text();
      expect(parseCsv(text).header).toEqual(fixture('cases.csv').split('\n')[0]!.split(','));
      expect(parseCsv(text).rows).toHaveLength(100);
      const again = await post('journal_2016/cases', text);
      expect(await again.json()).toEqual({ created: 0, updated: 100, events: 0 });
      const ev = await get(`journal_2016/events.csv${dialect}`);
      expect((await post('journal_2016/events', await ev.text())).status).toBe(200);
    }
    expect(await results('journal_2016')).toEqual(before);
  });

  it('the same case id again updates that case', async () => {
    await post('journal_2016/cases', fixture('cases.csv'));
    const header = fixture('cases.csv').split('\n')[0]!;
    const res = await post('journal_2016/cases', `${header}\nZ99,Kommune E,2014-03-01,,nej,,,,,2015-06-30\n`);
    expect(await res.json()).toEqual({ created: 1, updated: 0, events: 0 });
    const later = await post('journal_2016/cases', `${header}\nZ99,Kommune E,2014-03-01,2014-03-20,nej,,,,,2015-06-30\n`);
    expect(await later.json()).toEqual({ created: 0, updated: 1, events: 0 });
    const text = await (await get('journal_2016/cases.csv')).text();
    expect(parseCsv(text).rows.filter((r) => r[0] === 'Z99')).toEqual([['Z99', 'Kommune E', '2014-03-01', '2014-03-20', 'nej', '', '', '', '', '2015-06-30']]);
  });

  it('a bad file is refused whole: 400 with every problem by line, nothing changed (CPR-looking ids and text included)', async () => {
    await post('journal_2016/cases', fixture('cases.csv'));
    await post('journal_2016/events', fixture('events.csv'));
    const before = await hashDir(app.dataDir);
    const header = fixture('cases.csv').split('\n')[0]!;
    const bad = [
      header,
      'N01,Kommune A,2014-01-06,2014-02-01,ja,,,,,2015-06-30', // fine, but the file is refused whole
      '010190-1234,Kommune A,2014-01-06,,ja,,,,,2015-06-30', // ddmmyy-xxxx
      '0101901234,Kommune A,2014-01-06,,ja,,,,,2015-06-30', // 10 digits
      'N04,Borger 150380-4321,2014-01-06,,ja,,,,,2015-06-30', // a CPR number in text
      'N05,Kommune B,2014-02-30,,ja,,,,,2015-06-30', // not a calendar date
      'N06,Kommune B,2014-03-10,2014-03-01,ja,,,,,2015-06-30', // contract before takeover
      'N07,Kommune B,2014-03-10,2015-07-01,ja,,,,,2015-06-30', // after the review date
      'N08,Kommune C,2014-03-10,,måske,,,,,2015-06-30', // not ja/nej
      'N09,Kommune C,2014-03-10,,ja,,ja,2014-05-01,2014-04-01,2015-06-30', // delivery before request
      'N10,Kommune C,2014-03-10,,ja,,,,,', // no review date
      'N11,Kommune C,2014-03-10', // too few fields
    ].join('\n');
    const res = await post('journal_2016/cases', bad);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string }; problems: { line: number; column?: string; message: string }[] };
    expect(body.error.message).toMatch(/cases\.csv has \d+ problem\(s\); nothing was imported/);
    const lines = body.problems.map((p) => `${p.line}:${p.column ?? ''}`);
    expect(lines).toEqual(['3:case_id', '4:case_id', '5:municipality', '6:takeover_date', '7:contract_date', '8:contract_date', '9:on_benefits', '10:health_delivered_date', '11:review_date', '12:']);
    expect(body.problems[0]!.message).toMatch(/CPR/);
    // Events: an unknown case, an unknown event kind, a date after the review date, a follow-up before the contract.
    const events = await post('journal_2016/events', 'case_id,event,date\nA01,followup,2014-12-01\nNOPE,followup,2014-05-01\nA01,visit,2014-05-01\nA01,followup,2016-01-01\nA01,followup,2014-08-01\n');
    expect(events.status).toBe(400);
    expect(((await events.json()) as { problems: { line: number }[] }).problems.map((p) => p.line)).toEqual([3, 4, 5, 6]);
    // A text body that is not CSV at all, and a JSON body.
    expect((await post('journal_2016/cases', 'hello')).status).toBe(400);
    const json = await fetch(`${app.url}/api/v1/audits/journal_2016/cases`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: '{}' });
    expect(json.status).toBe(400);
    expect(await hashDir(app.dataDir)).toEqual(before);
  });

  it('a case update that would leave its stored follow-ups after the review date is refused', async () => {
    await post('journal_2016/cases', fixture('cases.csv'));
    await post('journal_2016/events', fixture('events.csv'));
    const header = fixture('cases.csv').split('\n')[0]!;
    const a01 = fixture('cases.csv').split('\n').find((l) => l.startsWith('A01,'))!;
    const res = await post('journal_2016/cases', `${header}\n${a01.replace(/2015-06-30$/, '2014-09-01')}\n`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { problems: { line: number; message: string }[] }).problems[0]).toMatchObject({ line: 2, message: expect.stringMatching(/followup.*after the case's review date/) });
  });
});
