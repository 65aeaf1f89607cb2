import { describe, expect, it } from 'vitest';
import { looksLikeCpr, readCases, readEvents } from '../../src/audit/index.ts';
import { definition, fixture, toExcelDa } from './helpers.ts';

const def = definition('journal_2016');
const HEADER = 'case_id,municipality,takeover_date,contract_date,on_benefits,health_offer_date,health_accepted,health_request_date,health_delivered_date,review_date';

describe('reading cases.csv', () => {
  it('reads both dialects: dates, empty = not happened, ukendt, ja/nej', () => {
    const plain = `${HEADER}\nX1,Kommune A,2016-01-31,2016-02-29,ja,ukendt,nej,,,2016-06-30\n`;
    const r = readCases(def, plain);
    expect(r.ok && r.delimiter).toBe(',');
    const da = readCases(def, toExcelDa(plain));
    expect(da.ok && da.delimiter).toBe(';');
    const expected = [{
      caseId: 'X1', municipality: 'Kommune A',
      values: { takeover_date: '2016-01-31', contract_date: '2016-02-29', on_benefits: 'ja', health_offer_date: 'ukendt', health_accepted: 'nej', health_request_date: null, health_delivered_date: null, review_date: '2016-06-30' },
    }];
    expect(r.ok && r.records).toEqual(expected);
    expect(da.ok && da.records).toEqual(expected);
  });

  it('refuses a bad file whole, listing every bad line with its number and column', () => {
    const text = [
      HEADER,
      'X1,Kommune A,2016-01-31,2016-02-29,ja,,nej,,,2016-06-30', // line 2: fine
      'X2,Kommune A,2015-02-29,,ja,,nej,,,2016-06-30', // line 3: not a calendar date
      '010190-1234,Kommune B,2016-01-01,,ja,,nej,,,2016-06-30', // line 4: CPR-like id
      'X3,Kommune B,2016-03-01,2016-02-01,maybe,,nej,,,2016-06-30', // line 5: contract before takeover, bad yes/no
      'X1,Kommune C,2016-01-01,,ja,,nej,,,2016-06-30', // line 6: id again
      'X4,,2016-01-01,,ja,,nej,,,', // line 7: no municipality, no review date
      'X5,Kommune C,2016-01-01,2016-08-01,ja,,nej,,,2016-06-30', // line 8: after the review date
      'X6,Kommune C,2016-01-01', // line 9: too few fields
    ].join('\n');
    const r = readCases(def, text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => `${p.line} ${p.column ?? ''}`)).toEqual([
      '3 takeover_date', '4 case_id', '5 on_benefits', '5 contract_date', '6 case_id', '7 municipality', '7 review_date', '8 contract_date', '9 ',
    ]);
    expect(r.problems.find((p) => p.line === 6)!.message).toMatch(/also on line 2/);
    expect('records' in r).toBe(false);
  });

  it('refuses a wrong header before reading any row', () => {
    const r = readCases(def, 'case_id,municipality,takeover\nX1,A,2016-01-01\n');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toEqual([expect.objectContaining({ line: 1, message: expect.stringMatching(/missing: .*contract_date.*not known: takeover/) })]);
    expect(readCases(def, '').ok).toBe(false);
  });

  it('counts lines through quoted line breaks and skips blank lines', () => {
    const text = `${HEADER}\n"X\n1",Kommune A,2016-01-31,,ja,,nej,,,2016-06-30\n\nX2,Kommune A,31-02-2016,,ja,,nej,,,2016-06-30\n`;
    const r = readCases(def, text);
    expect(!r.ok && r.problems.map((p) => p.line)).toEqual([5]);
  });

  it('case ids that look like CPR numbers', () => {
    expect(['010190-1234', '0101901234', 'x 010190-1234'].map(looksLikeCpr)).toEqual([true, true, true]);
    expect(['A01', 'K12', '12345', '2016-01'].map(looksLikeCpr)).toEqual([false, false, false, false]);
  });
});

describe('reading events.csv', () => {
  const cases = readCases(def, fixture('cases.csv'));
  if (!cases.ok) throw new Error('fixture');
  it('reads the fixture in both dialects alike', () => {
    const a = readEvents(def, fixture('events.csv'), cases.records);
    const b = readEvents(def, toExcelDa(fixture('events.csv')), cases.records);
    expect(a.ok && b.ok && a.records.length).toBe(159);
    expect(b.ok && b.records).toEqual(a.ok && a.records);
  });

  it('refuses unknown cases and events, missing and late dates, line by line', () => {
    // A01's contract is dated 2014-08-25.
    const text = 'case_id,event,date\nA01,followup,2014-10-01\nZZ9,followup,2014-10-01\nA01,company_offer,2014-10-01\nA01,followup,\nA01,followup,2016-01-01\nA01,followup,ukendt\nA01,followup,2014-08-24\n';
    const r = readEvents(def, text, cases.records);
    expect(!r.ok && r.problems.map((p) => `${p.line} ${p.column}`)).toEqual(['3 case_id', '4 event', '5 date', '6 date', '8 date']);
    expect(!r.ok && r.problems.at(-1)!.message).toBe('the followup (2014-08-24) is before contract_date (2014-08-25)');
  });
});
