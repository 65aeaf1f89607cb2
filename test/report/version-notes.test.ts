/**
 * The Danish notes under a figure whose question changed between versions (src/report/versions.ts),
 * known answers for each kind of change classifyChange reports; and the appendix's counts of an
 * option only an earlier version had.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/tables.ts';
import { danishList, questionChangeNotes } from '../../src/report/versions.ts';
import { loadDefinitions } from '../../src/storage/definitions.ts';
import type { TQuestion, TQuestionnaire } from '../../src/survey/schema.ts';
import { responses, study, v1, v2 } from '../fixtures/versions/study.ts';

/** `base` with question `id` changed by `edit` (and the version number given). */
function edited(base: TQuestionnaire, version: number, id: string, edit: (q: TQuestion) => TQuestion | undefined): TQuestionnaire {
  return {
    ...base,
    version,
    sections: base.sections.map((s) => ({ ...s, questions: s.questions.flatMap((q) => (q.id === id ? (edit(q) ?? []) : [q])) })),
  };
}

const note = (a: number, b: number, what: string) => `Spørgsmålet er ændret mellem version ${a} og ${b}: ${what}.`;

describe('the change notes of one question', () => {
  it('name the versions and each change: relabelled and removed options, an added question, none for an unchanged one', () => {
    expect(questionChangeNotes([v1, v2], 'samarbejde')).toEqual([note(1, 2, 'svarmuligheden »Middel« er fjernet; svarmuligheden »Godt« hedder nu »Rigtig godt«')]);
    expect(questionChangeNotes([v1, v2], 'ny_vurdering')).toEqual([note(1, 2, 'spørgsmålet er tilføjet (besvarelser af version 1 har intet svar på det)')]);
    expect(questionChangeNotes([v1, v2], 'redskaber')).toEqual([]);
    expect(questionChangeNotes([v2], 'samarbejde')).toEqual([]);
  });

  it('rules: required, the condition, "Ved ikke", figure settings, the text, a new option, a new type', () => {
    const v3 = edited(v2, 3, 'redskaber', (q) => ({ ...q, required: true, showIf: { question: 'samarbejde', equals: 'godt' } }) as TQuestion);
    expect(questionChangeNotes([v2, v3], 'redskaber')).toEqual([note(2, 3, 'spørgsmålet skal nu besvares; betingelsen for, hvem der får spørgsmålet, er ændret')]);
    const v4 = edited(v2, 4, 'samarbejde', (q) => (q.type === 'scale' ? { ...q, text: 'Hvordan går samarbejdet?', options: q.options.map((o) => (o.code === 'ved_ikke' ? { ...o, nonSubstantive: false } : o)), figure: { ...q.figure!, includeNonSubstantive: true } } : q));
    expect(questionChangeNotes([v2, v4], 'samarbejde')).toEqual([
      note(2, 4, 'figurens indstillinger (kombinerede kategorier, sammenligning eller basis) er ændret; svarmuligheden »Ved ikke« tæller ikke længere som »Ved ikke«; spørgsmålsteksten er ændret'),
    ]);
    const v5 = edited(v2, 5, 'redskaber', (q) => (q.type === 'multi' ? { ...q, options: [...q.options, { code: 'andet', label: 'Andet', nonSubstantive: false, other: false }] } : q));
    expect(questionChangeNotes([v2, v5], 'redskaber')).toEqual([note(2, 5, 'svarmuligheden »Andet« er tilføjet')]);
    const v6 = edited(v2, 6, 'redskaber', (q) => (q.type === 'multi' ? { ...q, type: 'single', options: q.options } : q) as TQuestion);
    expect(questionChangeNotes([v2, v6], 'redskaber')).toEqual([note(2, 6, 'spørgsmålets type er ændret fra flervalg til enkeltvalg; svarene på version 2 indgår ikke i tallene')]);
  });

  it('one note per pair of consecutive versions that differ', () => {
    const v3 = edited(v2, 3, 'ny_vurdering', (q) => ({ ...q, text: 'Vurderer I borgeren sammen?' }));
    expect(questionChangeNotes([v1, v2, v3], 'ny_vurdering')).toEqual([
      note(1, 2, 'spørgsmålet er tilføjet (besvarelser af version 1 har intet svar på det)'),
      note(2, 3, 'spørgsmålsteksten er ændret'),
    ]);
    expect(danishList([1, 2, 3])).toBe('1, 2 og 3');
  });
});

describe('the appendix across versions', () => {
  it('counts an option only an earlier version had as its own row, labelled from that version', async () => {
    const defs = await loadDefinitions(fileURLToPath(new URL('../../surveys/', import.meta.url)));
    const tabulated = (qn: TQuestionnaire) => edited(qn, qn.version, 'samarbejde', (q) => ({ ...q, appendixTitle: 'Samarbejdet' }));
    const [a, b] = [tabulated(v1), tabulated(v2)];
    const report = buildReport({ ...study, questionnaires: [b] }, defs.frames.get(study.frame)!, responses, { weighting: 'equal', versions: new Map([['praktikere', [a, b]]]) });
    const table = report.appendix.find((t) => t.title === 'Samarbejdet')!;
    expect(table.categories).toEqual(['Rigtig godt', 'Dårligt', 'Ved ikke', 'Middel (kun version 1)']);
    expect(table.series[0]!.counts).toEqual([5, 3, 3, 2]);
  });
});
