/** The case form read and checked (pure): what was typed in, the case and its events or every problem by field. */
import { describe, expect, it } from 'vitest';
import { caseForm, checkCaseForm, readCaseForm, EMPTY_ROWS } from '../../src/audit/form.ts';
import { definition } from './helpers.ts';

const def = definition('journal_2016');
const body = (fields: Record<string, string>) => ({ case_id: 'A1', municipality: 'Kommune A', review_date: '30-06-2015', rows_followup: '3', ...fields });

describe('the case form', () => {
  it('reads dd-mm-åååå and yyyy-mm-dd dates, »ukendt«, empty = not happened, yes/no; empty event rows are skipped', () => {
    const { form } = readCaseForm(def, body({ review_date: '30-06-2016', takeover_date: '31-01-2016', contract_date: '2016-02-29', health_offer_date_ukendt: '1', on_benefits: 'ja', ev_followup_0: '', ev_followup_1: '01-05-2016', ev_followup_2_ukendt: '1' }));
    const checked = checkCaseForm(def, form);
    expect(checked).toEqual({
      ok: true,
      kase: {
        caseId: 'A1',
        municipality: 'Kommune A',
        values: { takeover_date: '2016-01-31', contract_date: '2016-02-29', on_benefits: 'ja', health_offer_date: 'ukendt', health_accepted: null, health_request_date: null, health_delivered_date: null, review_date: '2016-06-30' },
      },
      events: [
        { caseId: 'A1', event: 'followup', date: '2016-05-01' },
        { caseId: 'A1', event: 'followup', date: 'ukendt' },
      ],
    });
  });

  it('names every problem by field: not a date, date and ukendt both, no review date, after the review date, an event before the contract', () => {
    const { form } = readCaseForm(def, body({ takeover_date: '29-02-2015', contract_date: '01-03-2014', contract_date_ukendt: '1', review_date: '', ev_followup_0: '01-01-2014' }));
    const checked = checkCaseForm(def, form);
    if (checked.ok) throw new Error('accepted');
    expect(checked.problems.map((p) => p.field)).toEqual(['takeover_date', 'contract_date', 'review_date']);
    expect(checked.problems[0]!.message).toBe('Kommunen overtog integrationsansvaret: »29-02-2015« er ikke en dato. Skriv dd-mm-åååå, fx 31-01-2014.');
    expect(checked.problems[1]!.message).toMatch(/skriv en dato eller vælg »ukendt«, ikke begge/);
    const later = checkCaseForm(def, readCaseForm(def, body({ takeover_date: '06-01-2014', contract_date: '01-02-2014', on_benefits: 'ja', ev_followup_0: '01-01-2014', ev_followup_1: '01-07-2015' })).form);
    if (later.ok) throw new Error('accepted');
    expect(later.problems).toEqual([
      { field: 'ev_followup_0', message: 'Opfølgningskontakt 1: kan ikke ligge før »Integrationskontrakten underskrevet«.' },
      { field: 'ev_followup_1', message: 'Opfølgningskontakt 2: kan ikke ligge efter »Sagen gennemgået«.' },
    ]);
  });

  it('»add row« adds one row of the kind; a stored case shows its events and empty rows after them', () => {
    const { form, addRow } = readCaseForm(def, body({ add: 'followup', ev_followup_0: '01-05-2016' }));
    expect(addRow).toBe(true);
    expect(form.events.followup).toEqual([{ text: '01-05-2016', unknown: false }, { text: '', unknown: false }, { text: '', unknown: false }, { text: '', unknown: false }]);
    const stored = caseForm(def, { caseId: 'A1', municipality: 'Kommune A', values: { takeover_date: '2014-01-06', contract_date: 'ukendt', review_date: '2015-06-30' } }, [{ caseId: 'A1', event: 'followup', date: '2014-05-01' }]);
    expect(stored.dates.takeover_date).toEqual({ text: '06-01-2014', unknown: false });
    expect(stored.dates.contract_date).toEqual({ text: '', unknown: true });
    expect(stored.events.followup).toHaveLength(1 + EMPTY_ROWS);
  });
});
