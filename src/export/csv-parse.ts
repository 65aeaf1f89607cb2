/**
 * A small RFC 4180 CSV reader (quoted fields, doubled quotes, CRLF/LF, BOM). Pure: text in,
 * header + rows out. Used by the `praksis estimate` CLI and tests.
 */
export interface ParsedCsv {
  header: string[];
  rows: string[][];
}

export function parseCsv(text: string): ParsedCsv {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (!src.includes('"')) return parseUnquoted(src);
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let i = 0;
  let quoted = false;
  let line = 1;
  const n = src.length;
  while (i < n) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i += 1;
        continue;
      }
      if (ch === '\n') line += 1;
      field += ch;
      i += 1;
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
      i += 1;
      continue;
    }
    if (ch === ',') {
      record.push(field);
      field = '';
      i += 1;
      continue;
    }
    if (ch === '\n' || ch === '\r') {
      record.push(field);
      field = '';
      if (!(record.length === 1 && record[0] === '')) records.push(record);
      record = [];
      i += ch === '\r' && src[i + 1] === '\n' ? 2 : 1;
      line += 1;
      continue;
    }
    // Fast path: copy a run of plain characters at once.
    let j = i + 1;
    while (j < n) {
      const c = src.charCodeAt(j);
      if (c === 44 || c === 10 || c === 13 || c === 34) break;
      j += 1;
    }
    field += src.slice(i, j);
    i = j;
  }
  if (quoted) throw new Error(`the CSV has an unterminated quoted field (line ${line})`);
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  const [header, ...rows] = records;
  if (!header) throw new Error('the CSV is empty');
  rows.forEach((r, k) => {
    if (r.length !== header.length) throw new Error(`CSV row ${k + 2} has ${r.length} fields, the header has ${header.length}`);
  });
  return { header, rows };
}

/** Fast path for files without any quote character: split lines, then fields. */
function parseUnquoted(src: string): ParsedCsv {
  const lines = src.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const first = lines[0];
  if (first === undefined) throw new Error('the CSV is empty');
  const header = first.split(',');
  const rows: string[][] = [];
  for (let k = 1; k < lines.length; k += 1) {
    const line = lines[k]!;
    if (line === '') continue;
    const r = line.split(',');
    if (r.length !== header.length) throw new Error(`CSV row ${k + 1} has ${r.length} fields, the header has ${header.length}`);
    rows.push(r);
  }
  return { header, rows };
}

export interface CsvColumns {
  header: string[];
  /** One array per header field, each with `count` values. */
  columns: string[][];
  count: number;
}

/**
 * The same CSV as columns (what the estimate CLI needs): no array per row, so a million-row file
 * makes two million strings instead of three million objects. Same errors as `parseCsv`.
 */
export function parseCsvColumns(text: string): CsvColumns {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (src.includes('"')) {
    const { header, rows } = parseCsv(src);
    return { header, columns: header.map((_, k) => rows.map((r) => r[k]!)), count: rows.length };
  }
  const n = src.length;
  let header: string[] | undefined;
  let columns: string[][] = [];
  let count = 0;
  let lineIndex = 0;
  for (let start = 0; start < n; lineIndex += 1) {
    let end = src.indexOf('\n', start);
    if (end === -1) end = n;
    const next = end + 1;
    if (end > start && src.charCodeAt(end - 1) === 13) end -= 1;
    if (header === undefined) {
      header = src.slice(start, end).split(',');
      columns = header.map(() => []);
    } else if (end > start) {
      let field = 0;
      let from = start;
      for (;;) {
        let comma = src.indexOf(',', from);
        if (comma === -1 || comma > end) comma = end;
        if (field < columns.length) columns[field]!.push(src.slice(from, comma));
        field += 1;
        if (comma === end) break;
        from = comma + 1;
      }
      if (field !== header.length) throw new Error(`CSV row ${lineIndex + 1} has ${field} fields, the header has ${header.length}`);
      count += 1;
    }
    start = next;
  }
  if (header === undefined) throw new Error('the CSV is empty');
  return { header, columns, count };
}
