/**
 * What the editor's route files (admin-editor.ts, admin-editor-sections.ts) share: the base path,
 * the ids in it, which refusals re-show a form, and the guard against overlong fields.
 */
import type { Request } from 'express';
import { isProblem, type Problem, type ProblemDetail } from '../errors.ts';
import { param } from './router.ts';

export const BASE = '/studies/:study/questionnaires/:questionnaire/edit';
export const ids = (req: Request) => ({ study: param(req, 'study'), questionnaire: param(req, 'questionnaire') });
export const isRefusal = (e: unknown): e is Problem => isProblem(e) && (e.code === 400.18 || e.status === 412);
export const CONFLICT = 'En anden har gemt kladden, siden du åbnede formularen. Intet er gemt. Din tekst står herunder; gem igen for at erstatte den andens ændring med din, eller gå tilbage til oversigten og se den gemte udgave.';

/** No field of an editor form is longer than this (the longest text a question may ask for is 10,000). */
const MAX_FIELD = 10_000;

/** The fields of a form longer than MAX_FIELD, as problems at `prefix` + the field's name. */
export function overlong(body: Record<string, unknown>, prefix: string): ProblemDetail[] {
  return Object.entries(body)
    .filter(([, v]) => ([] as unknown[]).concat(v).some((x) => typeof x === 'string' && x.length > MAX_FIELD))
    .map(([key]) => ({ path: prefix ? `${prefix}.${key}` : key, message: `is longer than ${MAX_FIELD.toLocaleString('en')} characters` }));
}

