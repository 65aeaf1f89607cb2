/** A small but complete study and frame for unit tests (every question type, showIf, figures). */
import type { TFrame } from '../../src/frame/schema.ts';
import { ZStudyDefinition } from '../../src/survey/refinements.ts';

export const frame: TFrame = {
  id: 'test_frame',
  title: 'Test',
  sizeMeasure: 'Indbyggere',
  source: 'test',
  regions: [{ code: 'h', name: 'Hovedstaden' }, { code: 'n', name: 'Nordjylland' }],
  municipalities: [
    { code: '101', name: 'København', region: 'h', eligible: false, size: 600000 },
    { code: '147', name: 'Frederiksberg', region: 'h', eligible: true, size: 100000 },
    { code: '851', name: 'Aalborg', region: 'n', eligible: true, size: 220000 },
  ],
};

export const rawStudy = {
  id: 'test_study',
  title: 'Test',
  organisation: 'LG Insight',
  frame: 'test_frame',
  questionnaires: [
    {
      id: 'ledere',
      group: 'Ledere',
      version: 1,
      title: 'Ledere',
      intro: 'Intro',
      minutes: 5,
      sections: [
        {
          id: 's1',
          title: 'Om dig',
          questions: [
            { id: 'kommune', type: 'municipality', text: 'Kommune?' },
            {
              id: 'frist',
              type: 'scale',
              text: 'Frist?',
              options: [
                { code: 'altid', label: 'Altid' },
                { code: 'ofte', label: 'Ofte' },
                { code: 'ved_ikke', label: 'Ved ikke', nonSubstantive: true },
              ],
              figure: { number: 1, title: 'Frist', combined: [{ code: 'mindst_ofte', label: 'Altid eller ofte', options: ['altid', 'ofte'] }], headline: 'mindst_ofte' },
            },
            {
              id: 'hvornaar',
              type: 'single',
              text: 'Hvornår?',
              showIf: { question: 'frist', notIn: ['altid'] },
              options: [{ code: 'snart', label: 'Snart' }, { code: 'sent', label: 'Sent' }],
            },
          ],
        },
        {
          id: 's2',
          title: 'Mere',
          questions: [
            {
              id: 'kilder',
              type: 'multi',
              text: 'Kilder?',
              maxSelected: 2,
              options: [
                { code: 'asyl', label: 'Asyl' },
                { code: 'papirer', label: 'Papirer' },
                { code: 'andet', label: 'Andet, angiv', other: true },
                { code: 'ved_ikke', label: 'Ved ikke', nonSubstantive: true },
              ],
            },
            { id: 'antal', type: 'number', text: 'Antal?', required: false, min: 0, max: 100 },
            { id: 'kommentar', type: 'text', text: 'Kommentar?', required: false, maxLength: 20 },
          ],
        },
      ],
    },
  ],
};

export const study = ZStudyDefinition.parse(rawStudy);
export const questionnaire = study.questionnaires[0]!;
