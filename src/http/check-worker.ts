/**
 * The check worker's code, run in a worker thread (see checker.ts). It parses and checks plain JSON
 * submissions with the same functions the main thread uses (parseJsonBody, checkSubmission) and
 * serialises the checked answers, so the main thread only answers HTTP and stores.
 *
 * Protocol: the main thread posts each request body (a string); the worker answers every message,
 * in order, with a `WorkerVerdict`: the checked submission with its answers as JSON text, or null
 * for anything that is not the plain valid case (does not parse, has a link token, fails a check).
 * On null the main thread does the request itself, exactly as without a worker, which also produces
 * the exact error answer.
 *
 * Bundled with esbuild at start (checker.ts): it must not import Express or storage code.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Definitions } from '../survey/load.ts';
import { parseJsonBody } from './json-body.ts';
import { checkSubmission, hasLinkToken } from './submission.ts';

/** A checked submission as the worker sends it: the answers as the JSON text the log line will hold. */
export interface WorkerVerdict {
  study: string;
  questionnaire: string;
  version: number;
  municipality: string;
  submissionId: string | undefined;
  /** JSON.stringify of the checked answers. */
  answers: string;
}

/** The plain valid case, or null for anything the main thread must handle itself. */
export function checkBody(defs: Definitions, text: string): WorkerVerdict | null {
  try {
    const body = parseJsonBody(text);
    if (hasLinkToken(body)) return null;
    const { response, submissionId } = checkSubmission(defs, body);
    return {
      study: response.study,
      questionnaire: response.questionnaire,
      version: response.version,
      municipality: response.municipality,
      submissionId,
      answers: JSON.stringify(response.answers),
    };
  } catch {
    return null;
  }
}

if (parentPort) {
  const port = parentPort;
  const defs = (workerData as { definitions: Definitions }).definitions;
  port.on('message', (text: string) => port.postMessage(checkBody(defs, text)));
  port.postMessage('ready');
}
