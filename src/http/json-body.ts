/**
 * Parsing a JSON request body exactly as `express.json({strict: true, reviver: jsonReviver})` does,
 * for the paths that read a body themselves (the fast lane and the check worker). No Express here:
 * the check worker bundles this file.
 */
import { jsonReviver } from './errors.ts';

/** body-parser's error shape for a body that does not parse (toProblem reads `type`). */
export function parseError(error: unknown, body: string): unknown {
  const e = error instanceof Error ? error : new SyntaxError(String(error));
  return Object.assign(e, { type: 'entity.parse.failed', status: 400, statusCode: 400, expose: true, body });
}

/** Below this many '{' and '[' in a body, JSON.parse with the reviver cannot overflow the stack. */
const SHALLOW = 256;

/** Occurrences of `char` in `text`, counted up to `limit` (indexOf skips the text in between natively). */
function countUpTo(text: string, char: string, limit: number): number {
  let n = 0;
  for (let at = text.indexOf(char); at !== -1 && n < limit; at = text.indexOf(char, at + 1)) n++;
  return n;
}

/**
 * JSON.parse as express.json({strict: true, reviver: jsonReviver}) does it: objects and arrays only.
 * The reviver (a JavaScript call per value) is skipped only where it provably cannot act: it throws
 * for a "__proto__" key, which needs the text "__proto__" or a \u escape in the body, and its
 * recursion overflows (the "nested too deeply" error) only for nesting far deeper than SHALLOW
 * brackets in the whole body. Any other body parses to the same value with or without it.
 */
export function parseJsonBody(text: string): unknown {
  const first = /^[\x20\x09\x0a\x0d]*([^\x20\x09\x0a\x0d]|$)/.exec(text)?.[1];
  if (first !== '{' && first !== '[') throw new SyntaxError(`Unexpected token ${first ?? ''} in JSON at position 0`);
  if (text.includes('__proto__') || text.includes('\\u')) return JSON.parse(text, jsonReviver);
  return countUpTo(text, '{', SHALLOW) + countUpTo(text, '[', SHALLOW) < SHALLOW ? JSON.parse(text) : JSON.parse(text, jsonReviver);
}
