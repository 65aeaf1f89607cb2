import { describe, expect, it } from 'vitest';
import { evaluateCondition, isQuestionVisible, visibleQuestions } from '../../src/survey/condition.ts';
import type { TQuestionnaire } from '../../src/survey/schema.ts';

describe('evaluateCondition', () => {
  const a = { frist: 'ofte', kilder: ['asyl', 'papirer'], tom: [] as string[], tekst: '  ', tal: 0 };
  it.each([
    [{ question: 'frist', equals: 'ofte' }, true],
    [{ question: 'frist', equals: 'altid' }, false],
    [{ question: 'kilder', equals: 'asyl' }, true],
    [{ question: 'frist', in: ['altid', 'ofte'] }, true],
    [{ question: 'frist', in: ['altid'] }, false],
    [{ question: 'kilder', in: ['helbred', 'papirer'] }, true],
    [{ question: 'frist', notIn: ['altid'] }, true],
    [{ question: 'frist', notIn: ['ofte'] }, false],
    [{ question: 'kilder', notIn: ['asyl'] }, false],
    [{ question: 'mangler', notIn: ['altid'] }, false],
    [{ question: 'mangler', equals: 'altid' }, false],
    [{ question: 'frist', answered: true }, true],
    [{ question: 'mangler', answered: false }, true],
    [{ question: 'tom', answered: true }, false],
    [{ question: 'tekst', answered: true }, false],
    [{ question: 'tal', answered: true }, true],
    [{ all: [{ question: 'frist', equals: 'ofte' }, { question: 'kilder', equals: 'asyl' }] }, true],
    [{ all: [{ question: 'frist', equals: 'ofte' }, { question: 'kilder', equals: 'x' }] }, false],
    [{ any: [{ question: 'frist', equals: 'x' }, { question: 'kilder', equals: 'papirer' }] }, true],
    [{ any: [{ question: 'frist', equals: 'x' }, { all: [{ question: 'mangler', answered: true }] }] }, false],
  ] as const)('%j → %s', (condition, expected) => {
    expect(evaluateCondition(condition as never, a)).toBe(expected);
  });

  it('ignores inherited properties such as __proto__ and constructor', () => {
    expect(evaluateCondition({ question: 'constructor', answered: true }, {})).toBe(false);
  });

  it('shows a question without showIf and filters a questionnaire in order', () => {
    expect(isQuestionVisible({}, {})).toBe(true);
    const qn = {
      sections: [
        { questions: [{ id: 'a', type: 'single' }, { id: 'b', type: 'text', showIf: { question: 'a', equals: 'ja' } }] },
        { questions: [{ id: 'c', type: 'text', showIf: { question: 'a', notIn: ['ja'] } }] },
      ],
    } as unknown as TQuestionnaire;
    expect(visibleQuestions(qn, { a: 'ja' }).map((q) => q.id)).toEqual(['a', 'b']);
    expect(visibleQuestions(qn, { a: 'nej' }).map((q) => q.id)).toEqual(['a', 'c']);
    expect(visibleQuestions(qn, {}).map((q) => q.id)).toEqual(['a']);
  });
});
