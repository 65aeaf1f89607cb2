/** Cell tallies (src/survey/tallies.ts): from a column table, and back to rows the report reads. */
import { describe, expect, it } from 'vitest';
import { ResponseTable } from '../../src/survey/table.ts';
import { tableOfTallies, tallyTable } from '../../src/survey/tallies.ts';

const response = (i: number, municipality: string, answers: Record<string, string | number | string[]>) => ({
  id: `resp-${String(i).padStart(12, '0')}`,
  study: 's',
  questionnaire: 'q',
  version: 1,
  municipality,
  day: '2016-05-01',
  answers,
});

describe('cell tallies', () => {
  const table = ResponseTable.from([
    response(1, '101', { a: 'x', m: ['1', '2'], t: 'secret' }),
    response(2, '101', { a: 'y', m: ['1', '2'] }),
    response(3, '101', { a: 'x' }),
    response(4, '202', { a: 'y', n: 4.5 }),
  ]);
  const spec = { study: 's', questionnaires: ['q'], values: ['a', 'm', 'n'], present: ['t'] };

  it('counts respondents per cell and each value per key, text as ""', () => {
    const tallies = tallyTable(table, spec);
    expect(tallies.cells).toEqual([
      { questionnaire: 'q', municipality: '101', n: 3 },
      { questionnaire: 'q', municipality: '202', n: 1 },
    ]);
    expect(tallies.values).toEqual(
      expect.arrayContaining([
        { questionnaire: 'q', municipality: '101', key: 'a', value: 'x', count: 2 },
        { questionnaire: 'q', municipality: '101', key: 'm', value: ['1', '2'], count: 2 },
        { questionnaire: 'q', municipality: '101', key: 't', value: '', count: 1 },
        { questionnaire: 'q', municipality: '202', key: 'n', value: 4.5, count: 1 },
      ]),
    );
    expect(tallies.values).toHaveLength(6);
  });

  it('gives back rows with the same tallies, in one order whatever order the tallies came in', () => {
    const tallies = tallyTable(table, spec);
    const rows = tableOfTallies(tallies);
    expect(rows.length).toBe(4);
    expect(tallyTable(rows, spec).values.map((v) => JSON.stringify(v)).sort()).toEqual(tallies.values.map((v) => JSON.stringify(v)).sort());
    const reversed = tableOfTallies({ ...tallies, cells: [...tallies.cells].reverse(), values: [...tallies.values].reverse() });
    expect(reversed.list()).toEqual(rows.list());
  });

  it('refuses tallies with more answers in a cell than respondents', () => {
    expect(() =>
      tableOfTallies({ study: 's', cells: [{ questionnaire: 'q', municipality: '101', n: 1 }], values: [{ questionnaire: 'q', municipality: '101', key: 'a', value: 'x', count: 2 }] }),
    ).toThrow('the tallies of q/101 have more answers to "a" (2) than respondents (1)');
  });
});
