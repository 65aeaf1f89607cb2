import { describe, expect, it } from 'vitest';
import { hasControlCharacters, messages, validateSection, validateSubmission } from '../../src/survey/answers.ts';
import { frame, questionnaire } from './fixtures.ts';

const full = { kommune: '147', frist: 'ofte', hvornaar: 'snart', kilder: ['asyl', 'andet'], kilder_other: ' Mentor ', antal: 12, kommentar: 'Fint' };
const reject = { hidden: 'reject' } as const;
const problemsOf = (answers: Record<string, unknown>, municipality?: string) => {
  const result = validateSubmission(questionnaire, frame, { municipality, answers }, reject);
  return result.ok ? [] : result.problems;
};

describe('validateSubmission', () => {
  it('accepts a complete submission, trims text, orders multi codes and moves the municipality out of the answers', () => {
    const result = validateSubmission(questionnaire, frame, { answers: { ...full, kilder: ['andet', 'asyl'] } }, reject);
    expect(result).toEqual({
      ok: true,
      municipality: '147',
      answers: { frist: 'ofte', hvornaar: 'snart', kilder: ['asyl', 'andet'], kilder_other: 'Mentor', antal: 12, kommentar: 'Fint' },
    });
  });

  it('takes the municipality from the top-level field when the answers lack it', () => {
    const { kommune: _, ...rest } = full;
    const result = validateSubmission(questionnaire, frame, { municipality: '851', answers: rest }, reject);
    expect(result.ok && result.municipality).toBe('851');
  });

  it.each([
    ['missing required', { ...full, frist: undefined }, 'frist', 'Vælg et svar.'],
    ['unknown option code', { ...full, frist: 'aldrig' }, 'frist', '"aldrig" er ikke en af svarmulighederne.'],
    ['wrong type for a scale', { ...full, frist: 3 }, 'frist', 'forkert form'],
    ['unknown code in a multi', { ...full, kilder: ['asyl', 'x'] }, 'kilder', '"x" er ikke'],
    ['duplicate code in a multi', { ...full, kilder: ['asyl', 'asyl'] }, 'kilder', 'mere end én gang'],
    ['"Ved ikke" with other answers', { ...full, kilder: ['asyl', 'ved_ikke'] }, 'kilder', 'kan ikke vælges sammen'],
    ['too many in a multi', { ...full, kilder: ['asyl', 'papirer', 'andet'], kilder_other: 'x' }, 'kilder', 'Vælg højst 2 svarmuligheder.'],
    ['"Andet" without text', { ...full, kilder_other: '' }, 'kilder_other', 'Skriv, hvad "Andet" dækker over.'],
    ['text for "Andet" not chosen', { ...full, kilder: ['asyl'] }, 'kilder_other', 'må kun udfyldes'],
    ['a number as text that is not a number', { ...full, antal: 'tolv' }, 'antal', 'Skriv et tal, fx 12.'],
    ['a number out of range', { ...full, antal: 101 }, 'antal', 'ikke være større end 100'],
    ['a negative number', { ...full, antal: -1 }, 'antal', 'ikke være mindre end 0'],
    ['a decimal where an integer is wanted', { ...full, antal: 2.5 }, 'antal', 'helt tal'],
    ['too long a text', { ...full, kommentar: 'x'.repeat(21) }, 'kommentar', 'højst 20 tegn'],
    ['an answer to a hidden question', { ...full, frist: 'altid' }, 'hvornaar', 'ikke vist'],
    ['an unknown question', { ...full, q99: 'x' }, 'q99', 'ikke et spørgsmål'],
    ['a __proto__ key', JSON.parse('{"__proto__": {"x": 1}, "frist": "ofte", "kommune": "147", "kilder": ["asyl"]}'), '__proto__', 'ikke et spørgsmål'],
    ['an unknown municipality', { ...full, kommune: '999' }, 'kommune', '"999" er ikke en kommunekode'],
    ['an ineligible municipality', { ...full, kommune: '101' }, 'kommune', 'deltager ikke'],
  ])('%s → a problem on the question', (_name, answers, question, message) => {
    const problems = problemsOf(answers as Record<string, unknown>);
    const mine = problems.filter((p) => p.question === question);
    expect(mine.length, JSON.stringify(problems)).toBeGreaterThan(0);
    expect(mine[0]!.message).toContain(message);
  });

  it('reports every problem at once, not only the first', () => {
    expect(problemsOf({ kommune: '999', frist: 'x', kilder: [], antal: 'y' }).map((p) => p.question).sort()).toEqual(['antal', 'frist', 'kilder', 'kommune']);
  });

  it('does not judge a follow-up whose parent answer was invalid', () => {
    expect(problemsOf({ ...full, frist: 'x' }).map((p) => p.question)).toEqual(['frist']);
  });

  it('rejects a municipality that disagrees with the answers and one that is missing', () => {
    expect(problemsOf(full, '851').map((p) => p.message)).toContain('Kommunen i svarene og feltet "municipality" er forskellige.');
    const { kommune: _, ...rest } = full;
    expect(problemsOf(rest).map((p) => p.question)).toEqual(['kommune']);
  });

  it('drops hidden answers and stray texts in drop mode', () => {
    const result = validateSubmission(questionnaire, frame, { answers: { ...full, frist: 'altid', q99: 'x' } }, { hidden: 'drop' });
    expect(result.ok).toBe(true);
    const { answers } = result as Extract<typeof result, { ok: true }>;
    expect(answers).not.toHaveProperty('hvornaar');
    expect(answers).not.toHaveProperty('q99');
  });

  it('accepts "12" and "12,0" from a form for a number', () => {
    for (const antal of ['12', ' 12 ']) {
      const result = validateSubmission(questionnaire, frame, { answers: { ...full, antal } }, reject);
      expect(result.ok && result.answers.antal).toBe(12);
    }
  });
});

describe('validateSection', () => {
  it('validates one page, returns the municipality apart and skips questions hidden on the same page', () => {
    const result = validateSection(questionnaire, 's1', {}, { kommune: '851', frist: 'altid', hvornaar: 'snart' }, frame);
    expect(result).toEqual({ answers: { frist: 'altid' }, municipality: '851', problems: [] });
  });

  it('asks for the follow-up when it is shown', () => {
    const result = validateSection(questionnaire, 's1', {}, { kommune: '851', frist: 'ofte' }, frame);
    expect(result.problems).toEqual([{ question: 'hvornaar', message: 'Vælg et svar.' }]);
  });

  it('lists every problem of the page and keeps nothing invalid', () => {
    const result = validateSection(questionnaire, 's2', { frist: 'ofte' }, { kilder: ['x'], antal: '1000', kommentar: 'ok' }, frame);
    expect(result.problems.map((p) => p.question)).toEqual(['kilder', 'antal']);
    expect(result.answers).toEqual({ kommentar: 'ok' });
  });

  it('asks for a municipality and refuses one outside the frame', () => {
    expect(validateSection(questionnaire, 's1', {}, { frist: 'altid' }, frame).problems).toEqual([{ question: 'kommune', message: 'Vælg din kommune.' }]);
    expect(validateSection(questionnaire, 's1', {}, { kommune: '../etc', frist: 'altid' }, frame).problems[0]!.question).toBe('kommune');
  });
});

describe('invisible control characters in free text', () => {
  const refused = 'Teksten indeholder usynlige styretegn, som ikke kan gemmes. Skriv teksten igen uden dem.';

  it.each([
    ['NUL', 'a\u0000b'],
    ['NUL alone', '\u0000'],
    ['bell', 'ding\u0007'],
    ['escape (terminal colours)', '\u001b[31mrød'],
    ['vertical tab', 'a\u000bb'],
    ['DEL', 'a\u007f'],
    ['C1 next line', 'a\u0085b'],
    ['right-to-left override', 'fil\u202Egpj.exe'],
    ['left-to-right embedding', '\u202Aabc\u202C'],
    ['first strong isolate', 'x\u2068y\u2069'],
    ['right-to-left isolate', '\u2067abc'],
  ])('a text answer with %s is refused, with a message that names the problem', (_name, text) => {
    expect(problemsOf({ ...full, kommentar: text })).toEqual([{ question: 'kommentar', message: refused }]);
    expect(problemsOf({ ...full, kilder_other: `Mentor ${text}` })).toEqual([{ question: 'kilder_other', message: refused }]);
    expect(messages.controlCharacters).toBe(refused);
  });

  it('the HTML flow refuses them too', () => {
    const result = validateSection(questionnaire, 's2', { frist: 'ofte' }, { kilder: ['andet'], kilder_other: 'a\u202Eb', kommentar: 'x\u0000' }, frame);
    expect(result.problems).toEqual([
      { question: 'kilder_other', message: refused },
      { question: 'kommentar', message: refused },
    ]);
    expect(result.answers).toEqual({});
  });

  it('accepts Danish letters, emoji (with joiners), tabs, line breaks and right-to-left marks, and stores them as written', () => {
    const comment = 'Fint 👍\r\næøå ÆØÅ\tok';
    const other = 'Børn & unge:\n«Ærlig snak» 👨\u200D👩\u200D👧 — \u200Fעברית\u200F é';
    const result = validateSubmission(questionnaire, frame, { answers: { ...full, kommentar: ` ${comment}\n`, kilder_other: other } }, reject);
    expect(result).toMatchObject({ ok: true, answers: { kommentar: comment, kilder_other: other } });
    for (const text of [comment, other, '', 'plain']) expect(hasControlCharacters(text)).toBe(false);
  });
});
