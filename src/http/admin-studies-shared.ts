/**
 * What the study and version pages share: a refused form shown again with the posted values and a
 * Danish lead sentence, and JSON downloads.
 */
import type { Request, Response } from 'express';
import { isProblem, type Problem, type ProblemDetail } from '../errors.ts';
import { plainProblems, postedValues, type FormValues } from '../services/studies-ui.ts';

/** What a form page shows after a refused post: the posted values, the problems, a message. */
export interface Refused {
  values?: FormValues;
  problems?: ProblemDetail[];
  message?: string;
  /** The section of the page the refused form is in (a page with two forms). */
  form?: string;
  /** The refusal's HTTP status (412: someone saved meanwhile). */
  status?: number;
}

/** The Danish lead sentence for a refused form (the problem's own text follows it). */
export function leadOf(problem: Problem): string {
  if (problem.status === 412) return 'Nogen har gemt en ændring, siden du åbnede siden. Intet er gemt; dine indtastninger står herunder.';
  if (problem.status === 409) return 'Det kunne ikke gøres; intet er ændret.';
  if (problem.status === 428) return 'Formularen manglede sin version (hent siden igen); intet er gemt.';
  return `Der er ${problem.details.length <= 1 ? 'et problem' : `${problem.details.length} problemer`}; intet er gemt.`;
}

export const quoted = (s: string) => encodeURIComponent(s);

/** Sends a JSON file as a download. */
export function sendJson(res: Response, filename: string, value: unknown): void {
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.setHeader('Cache-Control', 'no-store');
  res.send(`${JSON.stringify(value, null, 2)}\n`);
}

/** Runs a form's work; a bad input (400, 409, 412, 413, 428) shows the page again with the posted values. */
export const formHandler = (page: (req: Request, res: Response, refused: Refused) => Promise<void>, work: (req: Request, res: Response) => Promise<void>, which?: string) => async (req: Request, res: Response) => {
  try {
    await work(req, res);
  } catch (error) {
    if (!isProblem(error) || ![400, 409, 412, 413, 428].includes(error.status)) throw error;
    res.status(error.status);
    await page(req, res, { values: postedValues(req.body), problems: plainProblems(error.details), message: error.status === 400 && error.details.length > 0 ? leadOf(error) : `${leadOf(error)} ${error.message}`, status: error.status, ...(which ? { form: which } : {}) });
  }
};
