/**
 * The one error middleware: every failure becomes a Problem and is rendered as JSON under /api
 * or as a friendly Danish page elsewhere, with the right status and never a stack trace.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { Problem, isProblem, problems } from '../errors.ts';

export const BODY_LIMIT = '1mb';
const BODY_LIMIT_TEXT = '1 MB';

/** Deeper JSON than this is refused (no answer needs more than three levels). */
const MAX_JSON_DEPTH = 64;

/**
 * Express middleware after express.json: refuses a parsed body with a `"__proto__"` key anywhere
 * (JSON.parse keeps such a key as a harmless own property, but any later copy — `{...x}`, zod
 * records, Object.assign — turns it into a prototype and hides it) or nested deeper than
 * MAX_JSON_DEPTH. One walk with its own stack, so no depth overflows it.
 */
export const checkJsonBody: RequestHandler = (req, _res, next) => {
  const stack: [unknown, number][] = [[req.body, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return next(problems.nestedTooDeeply());
    if (Array.isArray(value)) {
      for (const item of value) stack.push([item, depth + 1]);
      continue;
    }
    if (Object.hasOwn(value, '__proto__')) return next(problems.reservedKey());
    for (const item of Object.values(value)) stack.push([item, depth + 1]);
  }
  next();
};

/** Errors thrown by body-parser carry `type` and `status`; turn them into Problems. */
export function toProblem(err: unknown): Problem | undefined {
  if (isProblem(err)) return err;
  if (!err || typeof err !== 'object') return undefined;
  // A storage error whose cause is a problem (a write of unknown outcome because the database went away: 503).
  if (err instanceof Error && isProblem(err.cause)) return err.cause;
  const e = err as { type?: unknown; status?: unknown; statusCode?: unknown; expose?: unknown; message?: unknown };
  switch (e.type) {
    case 'entity.too.large':
      return problems.tooLarge(BODY_LIMIT_TEXT);
    case 'parameters.too.many':
      return problems.tooManyFields();
    case 'entity.parse.failed':
      return problems.badJson();
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return problems.unsupportedEncoding(typeof e.message === 'string' ? e.message : undefined);
    case 'request.aborted':
      return problems.requestAborted();
    default:
      break;
  }
  if (err instanceof URIError) return problems.badPercentEncoding();
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  if (status !== undefined && status >= 400 && status < 500 && e.expose === true) {
    return new Problem(400.2, status, typeof e.message === 'string' ? e.message : 'Bad request.');
  }
  return undefined;
}

const danish: Record<number, { heading: string; text: string }> = {
  400: { heading: 'Noget gik galt med det, du sendte', text: 'Siden kunne ikke læse formularen. Gå tilbage og prøv igen.' },
  401: { heading: 'Du skal logge ind', text: 'Denne side kræver, at du er logget ind.' },
  403: { heading: 'Handlingen er ikke tilladt', text: 'Siden er måske udløbet. Genindlæs siden og prøv igen.' },
  404: { heading: 'Siden findes ikke', text: 'Tjek adressen, eller gå til forsiden.' },
  409: { heading: 'Ændringen kunne ikke gemmes', text: 'Det, du ville ændre, er i konflikt med det, der allerede er gemt. Gå tilbage og prøv igen.' },
  410: { heading: 'Spørgeskemaet er lukket', text: 'Det er ikke længere muligt at svare på dette spørgeskema.' },
  412: { heading: 'Nogen har ændret det samme', text: 'Kladden er ændret, siden du hentede den. Intet er gemt; hent siden igen og gentag ændringen.' },
  413: { heading: 'Det, du sendte, er for stort', text: `Formularen må højst fylde ${BODY_LIMIT_TEXT}. Forkort dine svar og prøv igen.` },
  415: { heading: 'Formatet understøttes ikke', text: 'Siden kunne ikke læse formularens format.' },
  429: { heading: 'For mange forsøg', text: 'Vent et øjeblik, og prøv så igen.' },
  500: { heading: 'Der skete en fejl hos os', text: 'Dine svar er ikke gemt. Prøv igen om lidt.' },
};

export const notFound: RequestHandler = (_req, _res, next) => {
  next(problems.notFound('The page'));
};

/** Logs an unexpected error by its stack (or message) alone. */
function logInternal(err: unknown): void {
  console.error(err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : `praksis: unexpected error of type ${typeof err}`);
}

export const errorHandler: ErrorRequestHandler = (err, req, res, next) => {
  if (res.headersSent) {
    next(err);
    return;
  }
  let problem = toProblem(err);
  if (!problem) {
    // Our fault: log it for the operator — its stack only. Not the object: errors can carry request
    // data as properties (a parse error carries the body), and nothing about a respondent is logged.
    logInternal(err);
    problem = problems.internal();
  }
  res.status(problem.status);
  // An error page (a closed questionnaire's 410, a dead link's 404) is never kept: reopening shows the page as it is now.
  res.setHeader('Cache-Control', 'no-store');
  if (problem.status === 401 && req.path.startsWith('/api/')) res.setHeader('WWW-Authenticate', 'Bearer realm="praksis"');
  if (problem.status === 503) res.setHeader('Retry-After', '5');

  if (req.originalUrl.startsWith('/api/')) {
    const error = { code: problem.code, message: problem.message, details: problem.details };
    if (problem.code === 400.3) {
      // §7 of the API: invalid answers list every problem as {question, message}.
      res.json({ error, problems: problem.details.map((d) => ({ question: d.path, message: d.message })) });
      return;
    }
    if (problem.code === 400.18) {
      // A definition refused: every problem by its JSON path.
      res.json({ error, problems: problem.details.map((d) => ({ path: d.path, message: d.message })) });
      return;
    }
    res.json({ error });
    return;
  }

  const text = problem.page ?? danish[problem.status] ?? danish[problem.status >= 500 ? 500 : 400]!;
  res.render('error', { title: text.heading, heading: text.heading, text: text.text, status: problem.status, code: problem.code }, (renderErr, html) => {
    if (renderErr) {
      logInternal(renderErr);
      res.type('text/plain; charset=utf-8').send(`${text.heading}\n${text.text}\n`);
      return;
    }
    res.type('html').send(html);
  });
};
