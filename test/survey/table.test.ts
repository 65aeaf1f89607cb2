import { describe, expect, it } from 'vitest';
import { ResponseTable } from '../../src/survey/table.ts';
import type { TResponse } from '../../src/survey/schema.ts';

const r = (id: string, questionnaire: string, municipality: string, answers: TResponse['answers']): TResponse => ({
  id: id.padEnd(16, 'x'),
  study: 's',
  questionnaire,
  version: 1,
  municipality,
  day: '2016-05-01',
  answers,
});

describe('the columnar response table', () => {
  const responses = [
    r('a', 'ledere', '101', { frist: 'altid', grunde: ['tolk', 'andet'], grunde_other: 'Travlt', antal: 3 }),
    r('b', 'praktikere', '147', { frist: 'aldrig', antal: 2.5 }),
    r('c', 'ledere', '101', { frist: 'altid', grunde: ['tolk', 'andet'] }),
    r('d', 'ledere', '851', {}),
  ];

  it('gives every response back exactly as appended, in order', () => {
    const table = ResponseTable.from(responses);
    expect(table.length).toBe(4);
    expect(table.list()).toEqual(responses);
    expect(table.row(1)).toEqual(responses[1]);
    expect(() => table.row(4)).toThrow(/outside the table/);
  });

  it('filters by study and questionnaire', () => {
    const table = ResponseTable.from(responses);
    expect([...table.rows({ questionnaire: 'ledere' })]).toEqual([0, 2, 3]);
    expect(table.count({ study: 's', questionnaire: 'praktikere' })).toBe(1);
    expect(table.count({ study: 'other' })).toBe(0);
    expect(table.list({ questionnaire: 'nope' })).toEqual([]);
  });

  it('codes each answer column with one code per distinct value (0 = no answer)', () => {
    const table = ResponseTable.from(responses);
    const frist = table.answers('frist')!;
    expect([...frist.codes]).toEqual([1, 2, 1, 0]);
    expect(frist.values).toEqual(['altid', 'aldrig']);
    const grunde = table.answers('grunde')!;
    expect([...grunde.codes]).toEqual([1, 0, 1, 0]);
    expect(grunde.values).toEqual([['tolk', 'andet']]);
    expect(table.answers('unknown')).toBeUndefined();
    expect(table.municipalities().values[table.municipalities().codes[3]! - 1]).toBe('851');
  });

  it('gives every distinct list its own code (prefixes, empty lists and separator-like characters included)', () => {
    const lists = [['a', 'b'], ['a'], ['a', 'b', 'c'], [], ['a\u0000b'], ['a', '\u0000b'], ['b', 'a'], ['a', 'b']];
    const table = ResponseTable.from(lists.map((l, i) => r(`l${i}`, 'ledere', '101', { x: l })));
    const column = table.answers('x')!;
    expect([...column.codes]).toEqual([1, 2, 3, 4, 5, 6, 7, 1]);
    expect(column.values).toEqual(lists.slice(0, 7));
    expect(table.list().map((x) => x.answers.x)).toEqual(lists);
  });

  it('lists the non-blank texts of a key in the given rows', () => {
    const table = ResponseTable.from([...responses, r('e', 'ledere', '101', { grunde_other: '   ' })]);
    expect(table.texts('grunde_other', table.rows({ questionnaire: 'ledere' }))).toEqual(['Travlt']);
    expect(table.texts('frist', table.rows({ questionnaire: 'praktikere' }))).toEqual(['aldrig']);
    expect(table.texts('nothing', table.rows())).toEqual([]);
  });

  it('hands out copies, so changing a listed answer does not change the table', () => {
    const table = ResponseTable.from(responses);
    const first = table.row(0);
    (first.answers.grunde as string[]).push('sprogskole');
    expect(table.row(0).answers.grunde).toEqual(['tolk', 'andet']);
    expect(table.row(2).answers.grunde).toEqual(['tolk', 'andet']);
  });

  it('grows past its initial capacity', () => {
    const table = new ResponseTable(16);
    for (let i = 0; i < 1000; i += 1) table.append(r(`row${i}`, i % 2 ? 'ledere' : 'praktikere', String(100 + (i % 50)), { n: i, t: `tekst ${i % 7}` }));
    expect(table.length).toBe(1000);
    expect(table.row(999)).toEqual(r('row999', 'ledere', '149', { n: 999, t: 'tekst 5' }));
    expect(table.answers('t')!.values).toHaveLength(7);
    expect(table.count({ questionnaire: 'ledere' })).toBe(500);
  });
});
