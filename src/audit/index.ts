/** The case-file audit (journalanalyse): pure domain core. */
export { addDuration, daysBetween, dayNumber, daysInMonth, durationText, parseDate, type Duration, type IsoDate } from './dates.ts';
export { assessDeadline, type Assessment, type DateCell, type Outcome } from './deadline.ts';
export { ZAuditDefinition, parseAuditDefinition, type TAuditDefinition, type TMeasure, type TRule } from './schema.ts';
export { readCases, readEvents, looksLikeCpr, caseProblems, eventProblems, type AuditCase, type AuditEvent, type FieldProblem, type LineProblem, type ReadResult } from './csv.ts';
export { applyRule, type RuleUnits, type UnitRow } from './units.ts';
export { measureColumn, type MeasureColumn } from './measures.ts';
export { auditResults, domainMean, estimateColumn, survivalCurve, unitDesign, type AuditResults, type ResultRow } from './estimates.ts';
export { kaplanMeier, type SurvivalCurve } from './kaplan-meier.ts';
