/**
 * Results across published versions (pure): every version of each questionnaire, the questions and
 * options of all of them (what responses.csv and the syntax files have columns for), and what
 * changed in one question between versions, as the Danish notes under a figure say it.
 */
import { classifyChange } from '../survey/versions.ts';
import type { TOption, TQuestion, TQuestionnaire, TStudy } from '../survey/schema.ts';

/** Per questionnaire id, every published version, oldest first (as `questionnaireVersions` gives them). */
export type Versions = ReadonlyMap<string, readonly TQuestionnaire[]>;

/** The versions of each of the study's questionnaires; a questionnaire not in `versions` has one: the study's own. */
export function versionsOf(study: TStudy, versions?: Versions): Map<string, readonly TQuestionnaire[]> {
  const out = new Map<string, readonly TQuestionnaire[]>();
  for (const qn of study.questionnaires) {
    const list = versions?.get(qn.id);
    out.set(qn.id, list && list.length > 0 ? list : [qn]);
  }
  return out;
}

const questionsOf = (qn: TQuestionnaire): TQuestion[] => qn.sections.flatMap((s) => s.questions);

/** The question `id` as `version` asks it, or undefined. */
export function questionIn(version: TQuestionnaire, id: string): TQuestion | undefined {
  return questionsOf(version).find((q) => q.id === id);
}

/** A column of responses.csv for a question, over every version of every questionnaire. */
export interface ExportQuestion {
  id: string;
  /** The text of the latest version that asks it (in the first questionnaire that has it). */
  text: string;
  /** The plain column `<id>`: a code (single, scale), a number or a text; absent when every version asks it as a multi-select. */
  plain?: { kind: 'code' | 'number' | 'text'; options: TOption[]; maxLength: number; typed: boolean };
  /** The 0/1 columns `<id>_<code>` of a multi-select: the options of every version that asks it so. */
  flags?: TOption[];
  /** Some version has "Andet, angiv": a text column `<id>_other`. */
  other: boolean;
}

/**
 * The questions that get columns, each once: questionnaire by questionnaire, the latest version's
 * questions in its order, then those only earlier versions asked (newest first). Options are the
 * union, in the latest order, then removed ones; every label is the latest version's that has it.
 */
export function exportQuestions(study: TStudy, versions?: Versions): ExportQuestion[] {
  const all = versionsOf(study, versions);
  const byId = new Map<string, ExportQuestion>();
  const addOptions = (list: TOption[], options: readonly TOption[]) => {
    for (const o of options) if (!list.some((x) => x.code === o.code)) list.push(o);
  };
  for (const qn of study.questionnaires) {
    for (const version of [...all.get(qn.id)!].reverse()) {
      for (const q of questionsOf(version)) {
        if (q.type === 'municipality') continue;
        let e = byId.get(q.id);
        if (!e) byId.set(q.id, (e = { id: q.id, text: q.text, other: false }));
        if (q.type === 'multi') addOptions((e.flags ??= []), q.options);
        else {
          const kind = q.type === 'number' ? 'number' : q.type === 'text' ? 'text' : 'code';
          e.plain ??= { kind, options: [], maxLength: 0, typed: false };
          if (q.type === 'single' || q.type === 'scale') addOptions(e.plain.options, q.options);
          if (q.type === 'text') {
            e.plain.typed = true;
            e.plain.maxLength = Math.max(e.plain.maxLength, q.maxLength);
          }
        }
        if ('options' in q && q.options.some((o) => o.other)) e.other = true;
      }
    }
  }
  return [...byId.values()];
}

const TYPES: Record<TQuestion['type'], string> = { single: 'enkeltvalg', scale: 'skala', multi: 'flervalg', text: 'fritekst', number: 'tal', municipality: 'kommune' };

/** "1", "1 og 2", "1, 2 og 3". */
export function danishList(items: readonly (string | number)[]): string {
  const s = items.map(String);
  return s.length <= 1 ? (s[0] ?? '') : `${s.slice(0, -1).join(', ')} og ${s.at(-1)}`;
}

const labelOf = (q: TQuestion | undefined, code: string) => (q && 'options' in q ? q.options.find((o) => o.code === code)?.label : undefined) ?? code;

/** One line of classifyChange's details about question `id`, in Danish (undefined: not about it). */
function danishDetail(detail: string, id: string, a: TQuestionnaire, b: TQuestionnaire): string | undefined {
  const prefix = `question ${id}`;
  if (!detail.startsWith(prefix) || (detail[prefix.length] !== ' ' && detail[prefix.length] !== ':')) return undefined;
  const rest = detail.slice(prefix.length);
  const qa = questionIn(a, id);
  const qb = questionIn(b, id);
  if (rest === ' added') return `spørgsmålet er tilføjet (besvarelser af version ${a.version} har intet svar på det)`;
  if (rest === ' removed') return 'spørgsmålet er fjernet';
  if (rest.startsWith(' changed type')) {
    const apart = (qa?.type === 'multi') !== (qb?.type === 'multi');
    return `spørgsmålets type er ændret fra ${TYPES[qa!.type]} til ${TYPES[qb!.type]}${apart ? `; svarene på version ${a.version} indgår ikke i tallene` : ''}`;
  }
  const option = /^: option ([a-z0-9_]+)(?: (removed|relabelled|added)|: (\w+) changed)$/.exec(rest);
  if (option) {
    const [, code, what, field] = option;
    const la = labelOf(qa, code!);
    const lb = labelOf(qb, code!);
    if (what === 'removed') return `svarmuligheden »${la}« er fjernet`;
    if (what === 'added') return `svarmuligheden »${lb}« er tilføjet`;
    if (what === 'relabelled') return la === lb ? `den engelske tekst til svarmuligheden »${lb}« er ændret` : `svarmuligheden »${la}« hedder nu »${lb}«`;
    if (field === 'nonSubstantive') return `svarmuligheden »${lb}« tæller ${qb && 'options' in qb && qb.options.find((o) => o.code === code)?.nonSubstantive ? 'nu' : 'ikke længere'} som »Ved ikke«`;
    if (field === 'other') return `»Andet, angiv« ved svarmuligheden »${lb}« er ændret`;
    return `reglen »${field}« for svarmuligheden »${lb}« er ændret`;
  }
  if (rest === ': text changed') return 'spørgsmålsteksten er ændret';
  if (rest === ': figure title changed') return 'figurens titel er ændret';
  if (rest === ': figure settings changed') return 'figurens indstillinger (kombinerede kategorier, sammenligning eller basis) er ændret';
  if (rest === ': options reordered') return 'svarmulighederne står i en anden rækkefølge';
  const field = /^: (\w+) changed$/.exec(rest)?.[1];
  if (field === 'required') return qb?.required ? 'spørgsmålet skal nu besvares' : 'spørgsmålet skal ikke længere besvares';
  const rule = field ? RULES[field] : undefined;
  return rule ? `${rule} er ændret` : `reglen »${field ?? rest.replace(/^: /, '')}« er ændret`;
}

/** Question rules classifyChange names by field, as a Danish subject ("… er ændret"). */
const RULES: Record<string, string> = {
  showIf: 'betingelsen for, hvem der får spørgsmålet,',
  min: 'den mindste tilladte værdi',
  max: 'den største tilladte værdi',
  integer: 'om svaret skal være et helt tal,',
  unit: 'enheden',
  maxLength: 'den største tilladte længde af svaret',
  minSelected: 'hvor mange svar der mindst skal vælges,',
  maxSelected: 'hvor mange svar der højst må vælges,',
  appendixTitle: 'bilagstabellen',
  addition: 'markeringen som tilføjet spørgsmål',
};

/**
 * The notes on question `id` across the versions of a questionnaire, one per pair of consecutive
 * versions that differ in anything classifyChange reports for it (texts, options, rules):
 * »Spørgsmålet er ændret mellem version 1 og 2: svarmuligheden »x« er fjernet.«
 */
export function questionChangeNotes(versions: readonly TQuestionnaire[], id: string): string[] {
  const notes: string[] = [];
  for (let k = 1; k < versions.length; k += 1) {
    const a = versions[k - 1]!;
    const b = versions[k]!;
    if (!questionIn(a, id) && !questionIn(b, id)) continue;
    const parts = classifyChange(a, b).details.flatMap((d) => danishDetail(d, id, a, b) ?? []);
    if (parts.length > 0) notes.push(`Spørgsmålet er ændret mellem version ${a.version} og ${b.version}: ${parts.join('; ')}.`);
  }
  return notes;
}

const QUESTIONNAIRE_FIELDS: Record<string, string> = { title: 'titel', intro: 'indledning', group: 'gruppe', minutes: 'tidsangivelse' };

/**
 * Every line classifyChange gives for publishing `next` after `previous`, in Danish (what the
 * evaluator confirms on the versions page): »kontrakt_frist: svarmuligheden »Altid« hedder nu …«.
 */
export function changeDetailsInDanish(previous: TQuestionnaire | undefined, next: TQuestionnaire): string[] {
  if (!previous) return ['den første offentliggjorte version: alle spørgsmål er nye'];
  return classifyChange(previous, next).details.map((d) => {
    const id = /^question ([a-z][a-z0-9_]*)/.exec(d)?.[1];
    const said = id === undefined ? undefined : danishDetail(d, id, previous, next);
    if (said) return `${id}: ${said}`;
    if (d === 'questions reordered') return 'spørgsmålene står i en anden rækkefølge';
    if (d.startsWith('sections ')) return 'afsnit er omdøbt, tilføjet, fjernet eller flyttet';
    const field = /^questionnaire (\w+) changed$/.exec(d)?.[1];
    if (field) return `spørgeskemaets ${QUESTIONNAIRE_FIELDS[field] ?? field} er ændret`;
    return d;
  });
}
