/**
 * What both storage adapters (./files/, ./postgres/) share beyond the ports: the error of a write
 * whose outcome is unknown, and the check of complete responses (imports, the demo).
 */
import { ZResponse, type TResponse } from '../survey/schema.ts';

/**
 * Marks an error of a write whose outcome is not known: its data may still be stored (a
 * failed write that could not be cut back off the log, a database connection lost mid-commit), so
 * it may turn up at the next read.
 * useLink keeps the link's use for such a failure instead of giving it back: a use may be lost,
 * but a link never stores more responses than it allows.
 */
export class MaybeWritten extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MaybeWritten';
  }
}

/** Complete responses checked with ZResponse, or an Error naming the first bad one (nothing is stored then). */
export function checkResponses(responses: readonly TResponse[]): TResponse[] {
  return responses.map((r, i) => {
    const result = ZResponse.safeParse(r);
    if (result.success) return result.data;
    const issue = result.error.issues[0]!;
    throw new Error(`response ${i + 1} of ${responses.length} is not a valid response (${issue.path.join('.') || '(root)'}: ${issue.message}); nothing was stored`);
  });
}
