/**
 * The audit definition (a file under `surveys/audits/`): its record fields, repeated events,
 * deadline rules and measures. Zod schemas `ZThing` beside their inferred types `TThing`; the
 * cross-references (a rule naming a field, a measure naming a rule) are checked in `superRefine`.
 */
import { z } from 'zod';
import { problems } from '../errors.ts';

const ZId = z.string().regex(/^[a-z][a-z0-9_]*$/, 'an id is lower-case letters, digits and _');
/** A category code (the export's `category` column), e.g. `1_to_3_months`. */
const ZCategory = z.string().regex(/^[a-z0-9][a-z0-9_]*$/, 'a category is lower-case letters, digits and _');
/** Where a definition's number or rule comes from, e.g. "seed 000 l. 489". */
const ZSource = z.string().min(1).optional();

export const ZDuration = z
  .strictObject({ months: z.int().positive().optional(), weeks: z.int().positive().optional(), days: z.int().positive().optional() })
  .refine((d) => [d.months, d.weeks, d.days].filter((v) => v !== undefined).length === 1, 'a duration is exactly one of months, weeks or days');
export type TDuration = z.infer<typeof ZDuration>;

export const ZField = z.strictObject({
  id: ZId,
  /** `date`: yyyy-mm-dd / dd-mm-yyyy, empty = has not happened, `ukendt` = not recorded; `yes_no`: ja / nej. */
  type: z.enum(['date', 'yes_no']),
  label: z.string().min(1),
  /** A required field may not be empty or `ukendt` (the review date). */
  required: z.boolean().default(false),
});
export type TField = z.infer<typeof ZField>;

export const ZEvent = z.strictObject({ id: ZId, label: z.string().min(1) });

/** Units are those whose yes/no field equals the value (others are outside every base of the rule). */
export const ZCondition = z.strictObject({ field: ZId, equals: z.enum(['ja', 'nej']) });

export const ZRule = z.discriminatedUnion('kind', [
  /** Per case: `target` no later than `anchor` + `within`. */
  z.strictObject({ kind: z.literal('deadline'), id: ZId, anchor: ZId, target: ZId, within: ZDuration, eligible: z.array(ZCondition).default([]), text: z.string().min(1), source: ZSource }),
  /** Per case: the first event no later than `anchor` + `within`. */
  z.strictObject({ kind: z.literal('first_event'), id: ZId, anchor: ZId, event: ZId, within: ZDuration, eligible: z.array(ZCondition).default([]), text: z.string().min(1), source: ZSource }),
  /**
   * Per event: each event no later than the previous one + `within`; the first event's previous
   * one is the case's `start` date (a case whose start is not a date has no unit), or, without
   * `start`, the first event only opens the chain (units are the second and later events).
   */
  z.strictObject({ kind: z.literal('chain'), id: ZId, event: ZId, start: ZId.optional(), within: ZDuration, eligible: z.array(ZCondition).default([]), text: z.string().min(1), source: ZSource }),
]);
export type TRule = z.infer<typeof ZRule>;

export const ZMeasure = z.discriminatedUnion('kind', [
  /**
   * The rule's outcomes as categories `on_time`, `late`; a late unit that has not happened is
   * `late` or its own category (`late_not_done`); not assessable is left out or its own category.
   */
  z.strictObject({
    kind: z.literal('outcome'), id: ZId, rule: ZId, figure: z.string().optional(), title: z.string().min(1),
    lateNotDone: ZCategory.optional(), notAssessable: ZCategory.optional(), source: ZSource,
  }),
  /** Among late units: bands of the delay after the deadline (each up to the deadline + its duration; the last open), and units not done. */
  z.strictObject({
    kind: z.literal('delay_bands'), id: ZId, rule: ZId, figure: z.string().optional(), title: z.string().min(1),
    bands: z.array(z.strictObject({ id: ZCategory, upTo: ZDuration.optional() })).min(2), notDone: ZCategory.optional(), source: ZSource,
  }),
  /** Mean days from the anchor (or from the deadline: the delay) to the target, over done units with the given outcomes. */
  z.strictObject({
    kind: z.literal('mean_days'), id: ZId, rule: ZId, from: z.enum(['anchor', 'deadline']), among: z.array(z.enum(['on_time', 'late'])).min(1),
    title: z.string().min(1), source: ZSource,
  }),
  /** A yes/no field's shares over the cases where it is recorded. */
  z.strictObject({ kind: z.literal('field'), id: ZId, field: ZId, figure: z.string().optional(), title: z.string().min(1), eligible: z.array(ZCondition).default([]), source: ZSource }),
]);
export type TMeasure = z.infer<typeof ZMeasure>;

export const ZAuditDefinition = z
  .strictObject({
    id: ZId,
    title: z.string().min(1),
    /**
     * The study the audit is part of: its members (auditors, evaluators) may enter and see its
     * cases. Without one, only admins may.
     */
    study: ZId.optional(),
    organisation: z.string().min(1),
    caption: z.string().min(1),
    /** Seeds and lines the definition follows. */
    sources: z.array(z.string().min(1)).default([]),
    fields: z.array(ZField).min(1),
    events: z.array(ZEvent).default([]),
    rules: z.array(ZRule).min(1),
    measures: z.array(ZMeasure).min(1),
    /** The date field that says what had happened when the case was read. */
    reviewField: ZId,
    /** The Kaplan–Meier curve: days from anchor to target, units not done censored at the review date. */
    survival: z.strictObject({ rule: ZId, title: z.string().min(1) }).optional(),
  })
  .superRefine((def, ctx) => {
    const fields = new Map(def.fields.map((f) => [f.id, f]));
    const events = new Set(def.events.map((e) => e.id));
    const rules = new Map(def.rules.map((r) => [r.id, r]));
    const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const unique = (ids: string[], what: string, path: string) =>
      ids.forEach((id, i) => ids.indexOf(id) !== i && issue([path, i, 'id'], `${what} "${id}" is defined twice`));
    unique(def.fields.map((f) => f.id), 'the field', 'fields');
    unique(def.events.map((e) => e.id), 'the event', 'events');
    unique(def.rules.map((r) => r.id), 'the rule', 'rules');
    unique(def.measures.map((m) => m.id), 'the measure', 'measures');
    for (const f of def.fields) if (f.id === 'case_id' || f.id === 'municipality') issue(['fields'], `"${f.id}" is always a column; do not list it as a field`);
    const dateField = (id: string | undefined, path: PropertyKey[]) => {
      if (id === undefined) return;
      const f = fields.get(id);
      if (!f) issue(path, `no field "${id}"`);
      else if (f.type !== 'date') issue(path, `the field "${id}" is not a date`);
    };
    const conditions = (list: readonly { field: string }[], path: PropertyKey[]) =>
      list.forEach((c, i) => fields.get(c.field)?.type !== 'yes_no' && issue([...path, i, 'field'], `no yes/no field "${c.field}"`));
    dateField(def.reviewField, ['reviewField']);
    if (fields.get(def.reviewField) && !fields.get(def.reviewField)!.required) issue(['reviewField'], 'the review date must be a required field');
    def.rules.forEach((r, i) => {
      if (r.kind === 'deadline') {
        dateField(r.anchor, ['rules', i, 'anchor']);
        dateField(r.target, ['rules', i, 'target']);
      } else if (r.kind === 'first_event') {
        dateField(r.anchor, ['rules', i, 'anchor']);
        if (!events.has(r.event)) issue(['rules', i, 'event'], `no event "${r.event}"`);
      } else {
        dateField(r.start, ['rules', i, 'start']);
        if (!events.has(r.event)) issue(['rules', i, 'event'], `no event "${r.event}"`);
      }
      conditions(r.eligible, ['rules', i, 'eligible']);
    });
    def.measures.forEach((m, i) => {
      if (m.kind === 'field') {
        if (fields.get(m.field)?.type !== 'yes_no') issue(['measures', i, 'field'], `no yes/no field "${m.field}"`);
        conditions(m.eligible, ['measures', i, 'eligible']);
        return;
      }
      const r = rules.get(m.rule);
      if (!r) issue(['measures', i, 'rule'], `no rule "${m.rule}"`);
      if (m.kind === 'delay_bands') {
        m.bands.forEach((b, k) => (k < m.bands.length - 1) !== (b.upTo !== undefined) && issue(['measures', i, 'bands', k], 'every band but the last has `upTo`; the last is open'));
      }
    });
    if (def.survival) {
      const r = rules.get(def.survival.rule);
      if (!r || r.kind !== 'deadline') issue(['survival', 'rule'], `no deadline rule "${def.survival.rule}"`);
    }
  });
export type TAuditDefinition = z.infer<typeof ZAuditDefinition>;

/** Parses an audit definition's JSON text; a broken one is a Problem naming every JSON path. */
export function parseAuditDefinition(text: string, file: string): TAuditDefinition {
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (error) {
    throw problems.invalidDefinition(file, [{ path: '', message: `not valid JSON: ${(error as Error).message}` }]);
  }
  const parsed = ZAuditDefinition.safeParse(json);
  if (!parsed.success) {
    throw problems.invalidDefinition(file, parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })));
  }
  return parsed.data;
}
