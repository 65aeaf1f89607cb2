/**
 * CSV writing with json2csv (@json2csv/plainjs 7), shared by every export.
 *
 * - Formula injection: every TEXT cell that a spreadsheet could evaluate is prefixed with an
 *   apostrophe, so it is shown as text instead of run: one that begins with =, +, -, @ (or their
 *   fullwidth forms ＝ ＋ － ＠), tab or carriage return, also after leading spaces, zero-width
 *   characters or quotes. Numbers are written as numbers (a negative estimate is not touched), and
 *   columns of ids and codes (`raw`: response ids, pseudonyms, option codes) are never changed, so
 *   an exported id always matches the stored one.
 * - Dialects: `standard` (comma, decimal point, no BOM: R's read.csv, pandas) and `excel-da`
 *   (semicolon, decimal comma, UTF-8 BOM: Danish Excel opens it right).
 */
import { Parser } from '@json2csv/plainjs';

export type Dialect = 'standard' | 'excel-da';
export type Cell = string | number | null | undefined;

export interface Column<T> {
  label: string;
  value: (row: T) => Cell;
  /** Ids and codes made by praksis, written as they are (no formula guard). */
  raw?: boolean;
}

/** Leading characters a spreadsheet skips before it looks for a formula sign. */
const FORMULA_START = /^[\s\u200b-\u200f\u2060\ufeff"']*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r]/;

/** "=1+2" → "'=1+2", "\u200b=1" → "'\u200b=1"; other text unchanged. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function formatCell(cell: Cell, dialect: Dialect, raw: boolean): string | number | undefined {
  if (cell === null || cell === undefined) return undefined;
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell)) return undefined;
    if (dialect === 'excel-da') return String(cell).replace('.', ',');
    return cell;
  }
  return raw ? cell : neutraliseFormula(cell);
}

export function toCsv<T>(rows: readonly T[], columns: readonly Column<T>[], dialect: Dialect = 'standard'): string {
  const parser = new Parser<Record<string, unknown>, Record<string, unknown>>({
    fields: columns.map((c, k) => ({ label: c.label, value: (r: Record<string, unknown>) => r[k] as string | number | undefined })),
    delimiter: dialect === 'excel-da' ? ';' : ',',
    eol: '\r\n',
    withBOM: dialect === 'excel-da',
  });
  const data = rows.map((row) => {
    const out: Record<string, unknown> = {};
    columns.forEach((c, k) => {
      out[k] = formatCell(c.value(row), dialect, c.raw === true);
    });
    return out;
  });
  if (data.length === 0) {
    // json2csv writes nothing for no rows; a researcher still wants the header.
    const header = columns.map((c) => `"${c.label.replace(/"/g, '""')}"`).join(dialect === 'excel-da' ? ';' : ',');
    return (dialect === 'excel-da' ? '\ufeff' : '') + header + '\r\n';
  }
  return parser.parse(data) + '\r\n';
}
