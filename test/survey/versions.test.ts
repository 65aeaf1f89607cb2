/** Published versions: the content hash and the class of a change (cosmetic, additive, breaking), with known answers. */
import { describe, expect, it } from 'vitest';
import { classifyChange, contentHash } from '../../src/survey/versions.ts';
import { ZQuestionnaire, type TQuestionnaire } from '../../src/survey/schema.ts';

const base: TQuestionnaire = ZQuestionnaire.parse({
  id: 'ledere',
  group: 'Ledere',
  version: 1,
  title: 'Spørgeskema til ledere',
  intro: 'Om integrationskontrakter.',
  minutes: 10,
  sections: [
    {
      id: 'a',
      title: 'Frister',
      questions: [
        {
          id: 'frist',
          type: 'scale',
          text: 'Hvor ofte overholdes fristen?',
          options: [
            { code: 'altid', label: 'Altid' },
            { code: 'ofte', label: 'Ofte' },
            { code: 'ved_ikke', label: 'Ved ikke', nonSubstantive: true },
          ],
          figure: { number: 1, title: 'Frist' },
        },
        { id: 'antal', type: 'number', text: 'Hvor mange kontrakter?', min: 0, max: 500 },
      ],
    },
  ],
});

/** A copy of the base with `edit` applied (the base is never changed). */
function edited(edit: (q: TQuestionnaire) => void): TQuestionnaire {
  const copy = structuredClone(base);
  edit(copy);
  return ZQuestionnaire.parse(copy);
}
const frist = (q: TQuestionnaire) => q.sections[0]!.questions[0]! as Extract<TQuestionnaire['sections'][0]['questions'][0], { type: 'scale' }>;

describe('contentHash', () => {
  it('is the same for the same content whatever the key order or version number, and differs for a changed label', () => {
    const reverseKeys = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(reverseKeys) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverseKeys(x)])) : v;
    const reordered = reverseKeys(base) as TQuestionnaire;
    expect(Object.keys(reordered)[0]).toBe('sections');
    expect(contentHash(reordered)).toBe(contentHash(base));
    expect(contentHash({ ...base, version: 7 })).toBe(contentHash(base));
    expect(contentHash(edited((q) => (frist(q).options[0]!.label = 'Altid!')))).not.toBe(contentHash(base));
    expect(contentHash(base)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('classifyChange', () => {
  it('no change is cosmetic with no details', () => {
    expect(classifyChange(base, structuredClone(base))).toEqual({ change: 'cosmetic', details: [] });
  });

  it('texts only (a label, a question text, a figure title, the order of options) is cosmetic', () => {
    const next = edited((q) => {
      frist(q).options[0]!.label = 'Altid (100 pct.)';
      frist(q).text = 'Hvor ofte overholdes fristen på 1 måned?';
      frist(q).figure!.title = 'Fristen på 1 måned';
      frist(q).options.reverse();
    });
    expect(classifyChange(base, next)).toEqual({
      change: 'cosmetic',
      details: ['question frist: text changed', 'question frist: figure title changed', 'question frist: option altid relabelled', 'question frist: options reordered'],
    });
  });

  it('a new question or option is additive', () => {
    const next = edited((q) => {
      frist(q).options.splice(1, 0, { code: 'naesten_altid', label: 'Næsten altid', nonSubstantive: false, other: false });
      q.sections[0]!.questions.push({ id: 'kommentar', type: 'text', text: 'Kommentarer', required: false, maxLength: 2000 } as never);
    });
    expect(classifyChange(base, next)).toEqual({ change: 'additive', details: ['question frist: option naesten_altid added', 'question kommentar added'] });
  });

  it.each([
    ['a removed question', (q: TQuestionnaire) => q.sections[0]!.questions.splice(1, 1), 'question antal removed'],
    ['a removed option', (q: TQuestionnaire) => frist(q).options.splice(1, 1), 'question frist: option ofte removed'],
    ['a recoded option', (q: TQuestionnaire) => (frist(q).options[1]!.code = 'tit'), 'question frist: option ofte removed'],
    ['a retyped question', (q: TQuestionnaire) => ((q.sections[0]!.questions[0] as { type: string }).type = 'single'), 'question frist changed type from scale to single'],
    ['"Ved ikke" made substantive', (q: TQuestionnaire) => (frist(q).options[2]!.nonSubstantive = false), 'question frist: option ved_ikke: nonSubstantive changed'],
    ['a new condition', (q: TQuestionnaire) => ((q.sections[0]!.questions[1] as { showIf?: unknown }).showIf = { question: 'frist', equals: 'ofte' }), 'question antal: showIf changed'],
    ['a narrower range', (q: TQuestionnaire) => ((q.sections[0]!.questions[1] as { max: number }).max = 100), 'question antal: max changed'],
    ['another figure number', (q: TQuestionnaire) => (frist(q).figure!.number = 2), 'question frist: figure settings changed'],
  ])('%s is breaking, and the details name it', (_name, edit, detail) => {
    const result = classifyChange(base, edited(edit));
    expect(result.change).toBe('breaking');
    expect(result.details).toContain(detail);
  });

  it('a breaking change lists the additive and cosmetic ones too', () => {
    const next = edited((q) => {
      frist(q).options.splice(1, 1);
      frist(q).options.push({ code: 'aldrig', label: 'Aldrig', nonSubstantive: false, other: false });
      frist(q).options[0]!.label = 'Altid!';
    });
    expect(classifyChange(base, next)).toEqual({
      change: 'breaking',
      details: ['question frist: option ofte removed', 'question frist: option aldrig added', 'question frist: option altid relabelled'],
    });
  });
});
