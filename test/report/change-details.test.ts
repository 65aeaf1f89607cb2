/** The versions page's Danish account of a change (changeDetailsInDanish), with known answers. */
import { describe, expect, it } from 'vitest';
import { changeDetailsInDanish } from '../../src/report/versions.ts';
import { ZQuestionnaire, type TQuestionnaire } from '../../src/survey/schema.ts';

const v1: TQuestionnaire = ZQuestionnaire.parse({
  id: 'ledere',
  group: 'Ledere',
  version: 1,
  title: 'Spørgeskema til ledere',
  intro: 'Om kontrakter.',
  minutes: 10,
  sections: [
    {
      id: 'a',
      title: 'Frister',
      questions: [
        { id: 'frist', type: 'scale', text: 'Hvor ofte?', options: [{ code: 'altid', label: 'Altid' }, { code: 'aldrig', label: 'Aldrig' }, { code: 'ved_ikke', label: 'Ved ikke', nonSubstantive: true }] },
        { id: 'antal', type: 'number', text: 'Hvor mange?', min: 0, max: 500 },
      ],
    },
  ],
});

describe('changeDetailsInDanish', () => {
  it('the first version, and one line per change in Danish naming the question', () => {
    expect(changeDetailsInDanish(undefined, v1)).toEqual(['den første offentliggjorte version: alle spørgsmål er nye']);
    const v2 = structuredClone(v1);
    v2.version = 2;
    v2.title = 'Ledere 2027';
    const frist = v2.sections[0]!.questions[0]! as Extract<TQuestionnaire['sections'][0]['questions'][0], { type: 'scale' }>;
    frist.options[0]!.label = 'Altid (100 pct.)';
    frist.options = frist.options.filter((o) => o.code !== 'aldrig');
    (v2.sections[0]!.questions[1]! as { max?: number }).max = 900;
    expect(changeDetailsInDanish(v1, v2)).toEqual([
      'frist: svarmuligheden »Aldrig« er fjernet',
      'antal: den største tilladte værdi er ændret',
      'frist: svarmuligheden »Altid« hedder nu »Altid (100 pct.)«',
      'spørgeskemaets titel er ændret',
    ]);
  });
});
