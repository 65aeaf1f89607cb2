import { describe, expect, it } from 'vitest';
import { CsvReader, csvNumber, parseCsv, readCsvColumns, valuesOf } from '../../src/export/csv-parse.ts';

/**
 * A plain character-by-character RFC 4180 reader (the reader praksis had before the byte reader):
 * the oracle the byte reader must agree with.
 */
function reference(text: string): { header: string[]; rows: string[][] } {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < src.length; i += 1) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      record.push(field);
      field = '';
      if (!(record.length === 1 && record[0] === '')) records.push(record);
      record = [];
      if (ch === '\r' && src[i + 1] === '\n') i += 1;
    } else field += ch;
  }
  if (field !== '' || record.length > 0) records.push([...record, field]);
  const [header, ...rows] = records;
  return { header: header!, rows };
}

const TRICKY = [
  ['plain LF', 'muni,answer\nm1,always\nm2,never\n'],
  ['CRLF, BOM, no final newline', '\ufeffmuni,answer\r\nm1,always\r\nm2,\r\nm3,never'],
  ['lone CR line ends', 'a,b\r1,2\r3,4\r'],
  ['blank lines are skipped', '\n\na,b\n\n1,2\r\n\r\n3,4\n\n'],
  ['quoted fields, doubled quotes, delimiters inside', 'a,b\n"x, y","say ""hi"""\n"",""\n"""",","\n'],
  ['line breaks inside quotes are kept', 'id,text\n1,"first line\nsecond line"\n2,"crlf\r\ninside"\n3,"ends with newline\n"\n'],
  ['text after a closing quote is kept', 'a,b\n"ab"c,"x""y"z\n'],
  ['a bare quote inside a field is a character', 'a,b\nx"y,5 " 6\n'],
  ['Danish text and emoji', 'kommune,tekst\nAarhus,"Børn og unge: ærlig snak 👍"\nSønderborg,Ø-kommune\n'],
  ['json2csv responses export', '"response_id","cluster","weight","kontrakt_frist","kommentar"\r\n"r1","c01",0.5,"altid",\r\n"r2","c01",0.5,,"Vi bruger ""Min plan"", og det virker"\r\n'],
  ['one column', 'a\n1\n2\n'],
  ['empty fields and a trailing delimiter', 'a,b,c\n,,\n1,,\n'],
] as const;

/** Every column of every row through `readCsvColumns`, as strings. */
function rowsOf(input: Uint8Array | string) {
  const csv = readCsvColumns(input);
  return { header: csv.header, rows: Array.from({ length: csv.count }, (_, r) => csv.columns.map((c) => c!.levels[c!.of[r]!]!)) };
}

/** The same bytes given in pieces cut at `cuts`, each piece in a buffer that is zeroed after `push` (as the CLI reuses its buffers). */
function inPieces(bytes: Uint8Array, cuts: number[], columns?: string[]) {
  const reader = new CsvReader(columns ? { columns } : {});
  const bounds = [0, ...cuts, bytes.length];
  for (let k = 0; k + 1 < bounds.length; k += 1) {
    const piece = new Uint8Array(bytes.subarray(bounds[k], bounds[k + 1]));
    reader.push(piece);
    piece.fill(0);
  }
  return reader.end();
}

describe('reading CSV', () => {
  it.each(TRICKY)('gives what a character-by-character reader gives: %s', (_, text) => {
    expect(parseCsv(text)).toEqual(reference(text));
    expect(parseCsv(Buffer.from(text, 'utf8'))).toEqual(reference(text));
  });

  it.each(TRICKY)('gives the same however the bytes are cut into chunks: %s', (_, text) => {
    const bytes = Buffer.from(text, 'utf8');
    const whole = rowsOf(bytes);
    const asRows = (csv: ReturnType<typeof readCsvColumns>) => ({ header: csv.header, rows: Array.from({ length: csv.count }, (_, r) => csv.columns.map((c) => c!.levels[c!.of[r]!]!)) });
    for (let i = 0; i <= bytes.length; i += 1) {
      expect(asRows(inPieces(bytes, [i])), `cut at ${i}`).toEqual(whole);
      for (let j = i; j <= bytes.length; j += 3) expect(asRows(inPieces(bytes, [i, j])), `cut at ${i} and ${j}`).toEqual(whole);
    }
    // One byte at a time: every record, field, quote pair, CRLF and UTF-8 sequence is split.
    expect(asRows(inPieces(bytes, Array.from({ length: bytes.length }, (_, k) => k)))).toEqual(whole);
  });

  it('codes only the columns asked for, by first appearance; a quoted and a bare value are one level', () => {
    const csv = readCsvColumns('muni,answer,w\n"k01",altid,1\nk02,"ofte",2\nk01,altid,3\n', { columns: ['muni', 'answer', 'nope'] });
    expect(csv.header).toEqual(['muni', 'answer', 'w']);
    expect(csv.count).toBe(3);
    expect(csv.columns[2]).toBeUndefined();
    expect(csv.columns[0]!.levels).toEqual(['k01', 'k02']);
    expect([...csv.columns[0]!.of]).toEqual([0, 1, 0]);
    expect(valuesOf(csv.columns[1]!)).toEqual(['altid', 'ofte', 'altid']);
    expect(csv.columns[1]!.byLevel.get('ofte')).toBe(1);
  });

  it('tells a quoted "a""b" (a"b) from a bare a""b, and "x""y" from x"y only by value', () => {
    const csv = readCsvColumns('v\n"a""b"\na""b\na"b\n"a""b"\n');
    expect(valuesOf(csv.columns[0]!)).toEqual(['a"b', 'a""b', 'a"b', 'a"b']);
    expect(csv.columns[0]!.levels).toEqual(['a"b', 'a""b']);
  });

  it('keeps a quoted empty value in a one-column file as a row (only a line with nothing on it is blank)', () => {
    expect(parseCsv('a\n""\n\n1\n').rows).toEqual([[''], ['1']]);
  });

  it('reads a many-distinct-values column (the hash table grows) and a long quoted field across chunks', () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `id${i},"${'x'.repeat(i % 7)}"`);
    const long = '"' + 'æ, "" \n'.repeat(20_000) + '"';
    const bytes = Buffer.from(['id,text', ...rows, `last,${long}`].join('\n') + '\n');
    const cuts = Array.from({ length: Math.floor(bytes.length / 4096) }, (_, k) => (k + 1) * 4096);
    const csv = inPieces(bytes, cuts);
    expect(csv.count).toBe(5001);
    expect(csv.columns[0]!.levels).toHaveLength(5001);
    expect(valuesOf(csv.columns[0]!)[4321]).toBe('id4321');
    expect(valuesOf(csv.columns[1]!)[5000]).toBe('æ, " \n'.repeat(20_000));
  });
});

describe('the excel-da dialect', () => {
  const text = '\ufeff"cluster";"weight";"tekst"\r\n"c01";"0,25";"a; b, c"\r\n"c02";1;\r\n';

  it('is read from the header: semicolons between fields, a decimal comma in numbers', () => {
    const csv = readCsvColumns(text);
    expect(csv.delimiter).toBe(';');
    expect(csv.decimalComma).toBe(true);
    expect(parseCsv(text)).toEqual({ header: ['cluster', 'weight', 'tekst'], rows: [['c01', '0,25', 'a; b, c'], ['c02', '1', '']] });
    expect(valuesOf(csv.columns[1]!).map((v) => csvNumber(v, csv.decimalComma))).toEqual([0.25, 1]);
  });

  it('a header with commas (or none of either) is the standard dialect', () => {
    expect(readCsvColumns('a,b;c\n1,2\n').delimiter).toBe(',');
    expect(readCsvColumns('"a;b"\n1\n').delimiter).toBe(',');
    expect(readCsvColumns('a\n1\n').delimiter).toBe(',');
  });

  it.each([
    ['0,25', true, 0.25],
    ['-1,5e-7', true, -1.5e-7],
    ['12', true, 12],
    ['0.25', true, Number.NaN],
    ['0.25', false, 0.25],
    [' 3 ', false, 3],
    ['', false, Number.NaN],
    ['0,25', false, Number.NaN],
  ])('csvNumber(%j, decimal comma %s) = %d', (cell, decimalComma, expected) => {
    expect(csvNumber(cell, decimalComma)).toBe(expected);
  });
});

describe('CSV errors', () => {
  it('names the row with the wrong number of fields (records, the header being row 1)', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n')).toThrow('CSV row 3 has 1 fields, the header has 2');
    expect(() => parseCsv('a,b\n1,2,3\n')).toThrow('CSV row 2 has 3 fields, the header has 2');
    expect(() => parseCsv('a,b\n"1\n2",3\n4\n')).toThrow('CSV row 3 has 1 fields, the header has 2');
  });

  it.each(['', '\ufeff', '\n\r\n'])('an empty file (%j) is "the CSV is empty"', (text) => {
    expect(() => parseCsv(text)).toThrow('the CSV is empty');
  });

  it('an unterminated quoted field names the row it starts in', () => {
    expect(() => parseCsv('a,b\n1,2\n3,"four\n5,6\n')).toThrow('the CSV has an unterminated quoted field (it starts in row 3)');
    expect(() => inPieces(Buffer.from('a,b\n1,"2'), [5])).toThrow('unterminated quoted field (it starts in row 2)');
  });
});
