import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAuditDefinition } from '../../src/audit/index.ts';
import { loadDefinitions } from '../../src/storage/definitions.ts';

const file = (name: string) => new URL(`../../surveys/audits/${name}`, import.meta.url);
const text = (name: string) => readFileSync(file(name), 'utf8');

describe('audit definitions', () => {
  it('ships journal_2016 and ankestyrelsen_2019, both valid', () => {
    const j = parseAuditDefinition(text('journal_2016.json'), 'journal_2016.json');
    expect(j.id).toBe('journal_2016');
    expect(j.measures.map((m) => m.id)).toEqual([
      'contract_on_time', 'days_to_contract', 'contract_late_delay', 'delay_days', 'followup_on_time', 'health_offer_on_time',
      'health_accepted', 'days_to_health_offer_on_time', 'days_to_health_offer_late', 'health_delivery',
    ]);
    expect(j.rules.find((r) => r.id === 'contract')).toMatchObject({ within: { months: 1 }, anchor: 'takeover_date', target: 'contract_date' });
    const a = parseAuditDefinition(text('ankestyrelsen_2019.json'), 'ankestyrelsen_2019.json');
    expect(a.measures.map((m) => m.id)).toEqual(['company_offer_on_time', 'company_offer_delay', 'offer_gap_within_6_weeks']);
  });

  it('the study loader does not read the audits subfolder as studies', async () => {
    const defs = await loadDefinitions(new URL('../../surveys/', import.meta.url).pathname);
    expect(defs.studies.map((s) => s.id)).not.toContain('journal_2016');
  });

  it('refuses broken cross-references with their JSON paths', () => {
    const j = JSON.parse(text('journal_2016.json'));
    j.rules[0].target = 'no_such_field';
    j.rules[2].within = { months: 3, days: 2 };
    j.measures[0].rule = 'nope';
    j.measures[6].field = 'takeover_date';
    j.fields.push({ id: 'contract_date', type: 'date', label: 'twice' });
    try {
      parseAuditDefinition(JSON.stringify(j), 'x.json');
      expect.unreachable();
    } catch (error) {
      const paths = (error as { details: { path: string; message: string }[] }).details.map((d) => `${d.path}: ${d.message}`);
      expect(paths).toEqual(expect.arrayContaining([
        'rules.0.target: no field "no_such_field"',
        'rules.2.within: a duration is exactly one of months, weeks or days',
      ]));
      expect(paths.join('\n')).toMatch(/measures\.0\.rule: no rule "nope"/);
      expect(paths.join('\n')).toMatch(/measures\.6\.field: no yes\/no field "takeover_date"/);
      expect(paths.join('\n')).toMatch(/the field "contract_date" is defined twice/);
    }
    expect(() => parseAuditDefinition('{', 'y.json')).toThrow();
  });
});
