import { describe, expect, it } from 'vitest';
import { parseCsv, parseCsvColumns } from '../../src/export/csv-parse.ts';

const transpose = (text: string) => {
  const { header, rows } = parseCsv(text);
  return { header, columns: header.map((_, k) => rows.map((r) => r[k]!)), count: rows.length };
};

describe('reading CSV as columns', () => {
  it.each([
    ['plain LF', 'muni,answer\nm1,always\nm2,never\n'],
    ['CRLF, BOM, no final newline', '\ufeffmuni,answer\r\nm1,always\r\nm2,\r\nm3,never'],
    ['empty lines are skipped', 'a,b\n\n1,2\n\n3,4\n\n'],
    ['quoted fields take the full reader', 'a,b\n"x, y","say ""hi"""\n1,2\n'],
    ['one column', 'a\n1\n2\n'],
  ])('gives the same values as the row reader: %s', (_, text) => {
    expect(parseCsvColumns(text)).toEqual(transpose(text));
  });

  it('names the row with the wrong number of fields, like the row reader', () => {
    const text = 'a,b\n1,2\n3\n';
    expect(() => parseCsv(text)).toThrow('CSV row 3 has 1 fields, the header has 2');
    expect(() => parseCsvColumns(text)).toThrow('CSV row 3 has 1 fields, the header has 2');
    expect(() => parseCsvColumns('a,b\n1,2,3\n')).toThrow('CSV row 2 has 3 fields, the header has 2');
    expect(() => parseCsvColumns('')).toThrow('the CSV is empty');
  });
});
