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

/** What a respondent's page says about a problem, in Danish, when the generic text for its status does not fit. */
export interface ProblemPage {
  heading: string;
  text: string;
}

export class Problem extends Error {
  constructor(
    readonly code: number,
    readonly status: number,
    message: string,
    readonly details: ProblemDetail[] = [],
    readonly page?: ProblemPage,
  ) {
    super(message);
    this.name = 'Problem';
  }
}

/** Zod issues as problem details: the JSON path (or `fallback` for the whole value) and the message. */
export function issueDetails(issues: readonly { path: readonly PropertyKey[]; message: string }[], fallback = '(body)'): ProblemDetail[] {
  return issues.map((i) => ({ path: i.path.map(String).join('.') || fallback, message: i.message }));
}

/**
 * Catalogue of problems. 400.x: bad input; 401/403: access; 404: not found;
 * 409: conflict; 410: gone; 413: too large; 415: wrong media type; 429: rate limit;
 * 500: our fault; 503: the database cannot be reached; 900.x: configuration and definition files at start-up.
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
  gone: (message: string, page?: ProblemPage) => new Problem(410.1, 410, message, [], page),
  questionnaireClosed: (questionnaire: string, closedOn?: string) =>
    new Problem(410.2, 410, `The questionnaire "${questionnaire}" ${closedOn ? `closed on ${closedOn}` : 'is closed'} and takes no more answers.`, [], {
      heading: 'Spørgeskemaet er lukket',
      text: 'Spørgeskemaet modtager ikke flere svar. Tak for din interesse.',
    }),
  questionnaireNotYetOpen: (questionnaire: string, opens: string | undefined) =>
    new Problem(403.2, 403, `The questionnaire "${questionnaire}" is not open yet${opens ? ` (it opens on ${opens})` : ''}.`, [], {
      heading: 'Spørgeskemaet er ikke åbnet endnu',
      text: opens ? `Spørgeskemaet åbner ${opens}. Prøv igen til den tid.` : 'Spørgeskemaet åbner senere. Prøv igen til den tid.',
    }),
  openLinksOff: (questionnaire: string) =>
    new Problem(410.3, 410, `The questionnaire "${questionnaire}" takes answers only through invitation links.`, [], {
      heading: 'Spørgeskemaet besvares via personligt link',
      text: 'Dette spørgeskema kan kun besvares via det link, din kommune har fået tilsendt.',
    }),
  linkUnknown: () =>
    new Problem(404.2, 404, 'The invitation link was not found.', [], {
      heading: 'Linket findes ikke',
      text: 'Linket er ikke gyldigt. Tjek, at hele linket fra e-mailen er kopieret med, eller bed om et nyt link.',
    }),
  linkUsedUp: () =>
    new Problem(410.4, 410, 'The invitation link has been used as many times as it may be.', [], {
      heading: 'Linket er brugt',
      text: 'Der er allerede svaret det antal gange, linket må bruges. Har du brug for at svare, så bed om et nyt link.',
    }),
  tooLarge: (limit: string) => new Problem(413.1, 413, `The request body is larger than the limit of ${limit}.`),
  tooManyFields: () => new Problem(413.2, 413, 'The form has too many fields.'),
  unsupportedEncoding: (message = 'Unsupported content encoding.') => new Problem(415.1, 415, message),
  jsonOnly: () => new Problem(415.2, 415, 'The API accepts JSON ("Content-Type: application/json") and, where an endpoint takes a file, CSV ("Content-Type: text/csv").'),
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
  databaseUnavailable: () =>
    new Problem(503.1, 503, 'The database cannot be reached just now; try again in a moment (a retry with the same submissionId is never stored twice).', [], {
      heading: 'Svarene kan ikke gemmes lige nu',
      text: 'Vi kan ikke nå vores database i øjeblikket. Gå tilbage, og send svarene igen om lidt – de bliver ikke gemt to gange.',
    }),
  /** Excluding municipalities that already have answers needs `confirm: true` (PUT …/eligibility). */
  eligibilityNeedsConfirmation: (names: string) =>
    new Problem(409.2, 409, `These municipalities already have answers: ${names}. Send "confirm": true to exclude them anyway (their answers stay stored).`),
  conflict: (message: string) => new Problem(409.1, 409, message),
  /** A file (an audit's cases.csv / events.csv) refused whole; `details` name every problem by line. */
  fileRefused: (file: string, details: ProblemDetail[]) =>
    new Problem(400.17, 400, `${file} has ${details.length} problem(s); nothing was imported or changed.`, details),
  /** A study or questionnaire definition (the editor, the API, a JSON import) refused whole; `details` name every problem by JSON path. */
  invalidStudyDefinition: (what: string, details: ProblemDetail[]) =>
    new Problem(400.18, 400, `${what} has ${details.length} problem${details.length === 1 ? '' : 's'}; nothing was stored.`, details),
  notPublished: (questionnaire: string, study: string) =>
    new Problem(404.3, 404, `The questionnaire "${questionnaire}" of study "${study}" has no published version yet.`, [], {
      heading: 'Spørgeskemaet er ikke åbnet endnu',
      text: 'Spørgeskemaet er ikke offentliggjort endnu. Prøv igen senere, eller spørg den, der sendte dig linket.',
    }),
  /** A study from a file under surveys/ is a read-only template: copy it to change it. */
  readOnlyTemplate: (study: string) =>
    new Problem(409.4, 409, `The study "${study}" is a read-only template (a file under surveys/); copy it to make a study you can edit.`),
  /** A breaking change is published only with `confirm: true`; `details` name what changes. */
  breakingChange: (questionnaire: string, details: ProblemDetail[]) =>
    new Problem(409.3, 409, `Publishing "${questionnaire}" is a breaking change (${details.map((d) => d.message).join('; ')}). Stored answers are never rewritten; send "confirm": true to publish it anyway.`, details),
  /** If-Match did not match: someone saved (or published) since the ETag was read. */
  editConflict: (what: string, current: string) =>
    new Problem(412.1, 412, `${what} was changed since you read it (it is now at ETag ${current}); nothing was saved. Reload it and make your change again.`),
  /** A change of a draft needs the ETag it was made from. */
  ifMatchRequired: (what: string) => new Problem(428.1, 428, `Send the header If-Match with the ETag you read ${what} with (GET it first).`),
} as const;

export function isProblem(error: unknown): error is Problem {
  return error instanceof Problem;
}
