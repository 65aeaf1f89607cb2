/**
 * The database going away while praksis serves: every port method of the PostgreSQL store turns a
 * failure to reach the database (refused or broken connection, no free connection within the
 * timeout, the server shutting down or starting up, too many connections, a statement cancelled by
 * its timeout) into Problem 503.1, which the HTTP layer answers as 503 (never a 201: a response is
 * acknowledged only after its INSERT committed). Nothing is cached per process, so once the
 * database is back the next request simply gets a new connection: no restart.
 */
import pg from 'pg';
import { isProblem, problems, type Problem } from '../../errors.ts';
import { MaybeWritten } from '../shared.ts';

/** Node's socket errors a lost or refused connection reports. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNABORTED']);
/** node-postgres's own messages for a connection it lost or could not get. */
const CONNECTION_MESSAGE = /Connection terminated|timeout exceeded when trying to connect|not queryable|Client was closed|Connection timeout|connection is closed|Query read timeout/i;

/** Whether `error` (of a pg call) means the database could not be reached, rather than a refused statement. */
export function isConnectionError(error: unknown): boolean {
  if (error instanceof AggregateError) return error.errors.length > 0 && error.errors.every(isConnectionError);
  if (error instanceof pg.DatabaseError) {
    const code = error.code ?? '';
    // 08: connection exception; 57P01–57P03: shut down / cannot connect now; 53: insufficient resources; 57014: statement timeout.
    return code.startsWith('08') || /^57P0[1-3]$/.test(code) || code.startsWith('53') || code === '57014';
  }
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return (code !== undefined && SOCKET_CODES.has(code)) || CONNECTION_MESSAGE.test(error.message);
}

/** Problem 503.1 for a connection error, keeping the error as its cause. */
export function unavailable(error: unknown): Problem {
  const problem = problems.databaseUnavailable();
  (problem as { cause?: unknown }).cause = error;
  return problem;
}

/** What a pg call's error becomes: 503.1 for a connection error, itself otherwise. */
export function translate(error: unknown): unknown {
  if (isProblem(error) || error instanceof MaybeWritten) return error;
  return isConnectionError(error) ? unavailable(error) : error;
}

/**
 * The port with every method's failure translated (a method that is not async is left as it is).
 * The callback of `useLink` runs inside, so its own errors pass through unchanged.
 */
export function guarded<P extends object>(port: P): P {
  return new Proxy(port, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        return result instanceof Promise ? result.catch((error: unknown) => Promise.reject(translate(error))) : result;
      };
    },
  });
}
