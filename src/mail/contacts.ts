/**
 * Reading a contact list (pure): CSV with the header `municipality,questionnaire,email[,name]`
 * (`;` and a BOM from Danish Excel accepted) or a JSON array of such objects. Every bad row is
 * reported with its line number (the header is line 1); nothing is returned unless every row is good.
 */
import type { ProblemDetail } from '../errors.ts';
import { parseCsv } from '../export/csv-parse.ts';
import { ZEmail, type TContact } from './schema.ts';

export interface ContactCheck {
  /** The questionnaire ids of the study. */
  questionnaires: readonly string[];
  /** The eligible municipality codes of the study's frame. */
  municipalities: ReadonlySet<string>;
}

export type ContactsRead = { ok: true; contacts: TContact[] } | { ok: false; problems: ProblemDetail[] };

const COLUMNS = ['municipality', 'questionnaire', 'email', 'name'] as const;

function checkRow(study: string, row: Record<string, unknown>, line: string, check: ContactCheck, problems: ProblemDetail[]): TContact | undefined {
  const before = problems.length;
  const text = (key: string) => (typeof row[key] === 'string' ? (row[key] as string).trim() : row[key] === undefined || row[key] === null ? '' : String(row[key]).trim());
  const municipality = text('municipality');
  const questionnaire = text('questionnaire');
  const name = text('name');
  if (!check.municipalities.has(municipality)) problems.push({ path: line, message: municipality ? `Kommunekoden »${municipality}« findes ikke blandt kommunerne i undersøgelsen.` : 'Kommunekoden mangler.' });
  if (!check.questionnaires.includes(questionnaire)) problems.push({ path: line, message: questionnaire ? `Spørgeskemaet »${questionnaire}« findes ikke (brug ${check.questionnaires.join(' eller ')}).` : 'Spørgeskemaet mangler.' });
  const email = ZEmail.safeParse(text('email'));
  if (!email.success) problems.push({ path: line, message: text('email') ? `E-mailadressen ${email.error.issues[0]!.message}.` : 'E-mailadressen mangler.' });
  if (name.length > 200) problems.push({ path: line, message: 'Navnet er længere end 200 tegn.' });
  if (problems.length > before || !email.success) return undefined;
  return { study, questionnaire, municipality, email: email.data, ...(name ? { name } : {}) };
}

/** Reads contacts of `study` from CSV text or a parsed JSON array. */
export function readContacts(study: string, input: string | unknown[], check: ContactCheck): ContactsRead {
  const problems: ProblemDetail[] = [];
  const contacts: TContact[] = [];
  const seen = new Map<string, string>();
  const add = (contact: TContact | undefined, line: string) => {
    if (!contact) return;
    const key = `${contact.questionnaire}|${contact.municipality}|${contact.email}`;
    const first = seen.get(key);
    if (first) problems.push({ path: line, message: `Samme kontakt står også på ${first}.` });
    else {
      seen.set(key, line);
      contacts.push(contact);
    }
  };
  if (typeof input === 'string') {
    let parsed;
    try {
      parsed = parseCsv(input);
    } catch (error) {
      // The reader stops at the first row whose fields do not match the header: named by its line.
      const message = (error as Error).message;
      const ragged = /row (\d+) has (\d+) fields?, the header has (\d+)/.exec(message);
      if (ragged) return { ok: false, problems: [{ path: `linje ${ragged[1]}`, message: `Linjen har ${ragged[2]} felter, overskriften ${ragged[3]}.` }] };
      return { ok: false, problems: [{ path: 'linje 1', message: `Filen kan ikke læses som CSV (${message}).` }] };
    }
    const header = parsed.header.map((h) => h.trim().toLowerCase());
    const missing = COLUMNS.slice(0, 3).filter((c) => !header.includes(c));
    const extra = header.filter((h) => !(COLUMNS as readonly string[]).includes(h));
    if (missing.length > 0 || extra.length > 0) {
      const what = [missing.length ? `mangler ${missing.join(', ')}` : '', extra.length ? `ukendte kolonner ${extra.join(', ')}` : ''].filter(Boolean).join('; ');
      return { ok: false, problems: [{ path: 'linje 1', message: `Overskriften skal være municipality,questionnaire,email[,name] (${what}).` }] };
    }
    if (parsed.rows.length === 0) return { ok: false, problems: [{ path: 'linje 2', message: 'Filen har ingen kontakter.' }] };
    parsed.rows.forEach((cells, i) => {
      const line = `linje ${i + 2}`;
      if (cells.length !== header.length) problems.push({ path: line, message: `Linjen har ${cells.length} felter, overskriften ${header.length}.` });
      else add(checkRow(study, Object.fromEntries(header.map((h, k) => [h, cells[k]])), line, check, problems), line);
    });
  } else {
    if (input.length === 0) return { ok: false, problems: [{ path: '[0]', message: 'Listen har ingen kontakter.' }] };
    input.forEach((item, i) => {
      const line = `[${i}]`;
      if (typeof item !== 'object' || item === null || Array.isArray(item)) problems.push({ path: line, message: 'Skal være et objekt {municipality, questionnaire, email, name?}.' });
      else {
        const unknown = Object.keys(item).filter((k) => !(COLUMNS as readonly string[]).includes(k));
        if (unknown.length > 0) problems.push({ path: line, message: `Ukendte felter: ${unknown.join(', ')}.` });
        else add(checkRow(study, item as Record<string, unknown>, line, check, problems), line);
      }
    });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, contacts };
}
