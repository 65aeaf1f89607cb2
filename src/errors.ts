/**
 * The one error type of praksis. Every failure a user can cause carries a stable
 * numeric code (grouped by area, in the style of getodk/central-backend's problems),
 * an HTTP status and a message written for the person who will read it.
 *
 * Domain code throws `Problem`; the HTTP error middleware renders it as HTML or JSON,
 * the CLI prints `error <code>: <message>` and exits non-zero.
 */
export interface ProblemDetail {
  /** JSON path or question id the detail is about, e.g. "questionnaires[0].sections[1]" or "q1_contract". */
  path: string;
  message: string;
}

export class Problem extends Error {
  constructor(
    readonly code: number,
    readonly status: number,
    message: string,
    readonly details: ProblemDetail[] = [],
  ) {
    super(message);
    this.name = 'Problem';
  }
}

/**
 * Catalogue of problems. 400.x: bad input; 401/403: access; 404: not found;
 * 409: conflict; 410: gone; 413: too large; 415: wrong media type; 429: rate limit;
 * 500: our fault; 900.x: configuration and definition files at start-up.
 */
export const problems = {
  badJson: () => new Problem(400.1, 400, 'The request body is not valid JSON.'),
  invalidInput: (message: string, details: ProblemDetail[] = []) => new Problem(400.2, 400, message, details),
  invalidAnswers: (details: ProblemDetail[]) =>
    new Problem(400.3, 400, `The answers have ${details.length} problem(s).`, details),
  requestAborted: () => new Problem(400.4, 400, 'The request was aborted.'),
  badPercentEncoding: () => new Problem(400.5, 400, 'The address contains invalid percent-encoding.'),
  reservedKey: () => new Problem(400.6, 400, 'The request body contains the reserved key "__proto__".'),
  nestedTooDeeply: () => new Problem(400.7, 400, 'The request body is nested too deeply.'),
  unauthenticated: () => new Problem(401.1, 401, 'Authentication is required.'),
  badCredentials: () => new Problem(401.2, 401, 'The password or API key is not correct.'),
  forbidden: (message = 'This action is not allowed.') => new Problem(403.1, 403, message),
  notFound: (what: string) => new Problem(404.1, 404, `${what} was not found.`),
  gone: (message: string) => new Problem(410.1, 410, message),
  tooLarge: (limit: string) => new Problem(413.1, 413, `The request body is larger than the limit of ${limit}.`),
  tooManyFields: () => new Problem(413.2, 413, 'The form has too many fields.'),
  unsupportedEncoding: (message = 'Unsupported content encoding.') => new Problem(415.1, 415, message),
  jsonOnly: () => new Problem(415.2, 415, 'The API accepts only JSON: send "Content-Type: application/json".'),
  tooManyRequests: () => new Problem(429.1, 429, 'Too many requests; wait a moment and try again.'),
  internal: () => new Problem(500.1, 500, 'Something went wrong on our side.'),
  invalidConfig: (message: string, details: ProblemDetail[] = []) => new Problem(900.1, 500, message, details),
  invalidDefinition: (file: string, details: ProblemDetail[]) =>
    new Problem(
      900.2,
      500,
      `The study definition ${file} is invalid:\n${details.map((d) => `  ${d.path || '(root)'}: ${d.message}`).join('\n')}`,
      details,
    ),
} as const;

export function isProblem(error: unknown): error is Problem {
  return error instanceof Problem;
}
