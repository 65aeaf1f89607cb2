/**
 * One server per data directory: `praksis.lock` holds its owner's pid and a random nonce.
 *
 * Taking the lock is atomic: the content is written to a private temp file first and then
 * hard-linked to `praksis.lock` (link fails if the lock exists), so a lock is never seen empty or
 * half written. A lock whose owner no longer runs (a crash, SIGKILL) is stale and is taken over
 * under a take-over marker, also created by link (O_EXCL semantics), named after the stale lock's
 * content: exactly one process wins the marker, re-reads the lock under it, and only if the lock
 * still holds that stale content replaces it (rename: atomic) with its own. The others find a live
 * owner and fail, naming its pid. A marker whose holder died is overruled by the next marker level,
 * decided the same way, so a crash during a take-over blocks nobody.
 */
import { createHash, randomBytes } from 'node:crypto';
import { link, readFile, readdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { reason } from './io.ts';

export const LOCK_FILE = 'praksis.lock';
const MAX_LEVELS = 8;
const ATTEMPTS = 200;
const WAIT_MS = 10;

export interface DirLock {
  release(): Promise<void>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid a lock or marker names (older versions wrote only "<pid>\n"); undefined when it names none. */
function ownerOf(content: string): number | undefined {
  const pid = Number.parseInt(content.trim().split(/\s+/)[0] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Lock files this process holds or is taking, and the contents it writes into them. */
const heldHere = new Set<string>();
const ours = new Set<string>();

/**
 * Whether the process a lock or marker names still runs. Our own pid counts only with our own
 * content: the same pid with another nonce was an earlier process (a restarted container is pid 1 again).
 */
function isLive(content: string): boolean {
  const pid = ownerOf(content);
  if (pid === undefined) return false;
  return pid === process.pid ? ours.has(content) : isAlive(pid);
}

const code = (error: unknown) => (error as NodeJS.ErrnoException).code;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A file's content, or undefined when it does not exist. */
async function contentOf(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (code(error) === 'ENOENT') return undefined;
    throw error;
  }
}

class LockError extends Error {}

function cannot(dataDir: string, doing: string, file: string, error: unknown): LockError {
  return new LockError(
    `cannot lock the data directory ${dataDir}: ${doing} ${file} failed (${reason(error)}). ` +
      `praksis needs to create and remove files in its data directory: check that the directory is writable by this user ` +
      `and not on a read-only file system; if no praksis server uses the directory and ${file} is left behind, remove it and start again`,
    { cause: error },
  );
}

export async function lockDataDir(dataDir: string): Promise<DirLock> {
  const file = join(dataDir, LOCK_FILE);
  if (heldHere.has(file)) throw new Error(`the data directory ${dataDir} is already open in this process`);
  const mine = `${process.pid} ${randomBytes(8).toString('hex')}\n`;
  const temp = join(dataDir, `${LOCK_FILE}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  heldHere.add(file);
  ours.add(mine);
  const forget = () => {
    heldHere.delete(file);
    ours.delete(mine);
  };
  try {
    try {
      await writeFile(temp, mine, { flag: 'wx', mode: 0o600 });
    } catch (error) {
      throw cannot(dataDir, 'creating', file, error);
    }
    try {
      await acquire(dataDir, file, temp, mine);
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  } catch (error) {
    forget();
    throw error;
  }
  await removeLeftovers(dataDir);
  return {
    async release() {
      forget();
      try {
        // Only our own lock (nobody replaces a live lock, but a user may have removed it by hand).
        if ((await contentOf(file)) === mine) await unlink(file);
      } catch (error) {
        console.warn(`praksis: could not remove the lock ${file} (${reason(error)}); remove it before the next start if it stays`);
      }
    },
  };
}

async function acquire(dataDir: string, file: string, temp: string, mine: string): Promise<void> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    try {
      await link(temp, file);
      return;
    } catch (error) {
      if (code(error) !== 'EEXIST') throw cannot(dataDir, 'creating', file, error);
    }
    let seen: string | undefined;
    try {
      seen = await contentOf(file);
    } catch (error) {
      throw cannot(dataDir, 'reading', file, error);
    }
    if (seen === undefined) continue; // released meanwhile: try again
    if (isLive(seen)) {
      const owner = ownerOf(seen)!;
      if (owner === process.pid) throw new LockError(`the data directory ${dataDir} is already open in this process`);
      throw new LockError(
        `the data directory ${dataDir} is in use by another praksis process (pid ${owner}); stop it first. ` +
          `If pid ${owner} is not a praksis server, remove ${file} and start again`,
      );
    }
    if (await takeOver(dataDir, file, temp, mine, seen)) return;
    await sleep(WAIT_MS);
  }
  throw new LockError(`could not lock the data directory ${dataDir}: another process kept taking over ${file}; try again`);
}

/**
 * Replaces the stale lock whose content is `seen` with ours, if this process wins the take-over.
 * Returns false when it did not (someone else is taking over, or did): the caller looks again.
 */
async function takeOver(dataDir: string, file: string, temp: string, mine: string, seen: string): Promise<boolean> {
  const round = createHash('sha256').update(seen).digest('hex').slice(0, 16);
  for (let level = 1; level <= MAX_LEVELS; level += 1) {
    const marker = join(dataDir, `${LOCK_FILE}.takeover.${round}.${level}`);
    try {
      await link(temp, marker);
    } catch (error) {
      if (code(error) !== 'EEXIST') throw cannot(dataDir, 'creating', marker, error);
      const holder = await contentOf(marker).catch(() => undefined);
      // A live holder is taking over (or a holder just finished): look at the lock again.
      if (holder === undefined || isLive(holder)) return false;
      continue; // its holder died during the take-over: the next level decides
    }
    // We hold the marker of this level; every lower level's holder is dead.
    try {
      const now = await contentOf(file);
      if (now !== seen) return false;
      await rename(temp, file).catch((error: unknown) => {
        throw cannot(dataDir, 'replacing the stale lock', file, error);
      });
      await removeMarkers(dataDir, round);
      return true;
    } finally {
      await unlink(marker).catch(() => undefined);
    }
  }
  throw new LockError(`could not take over the stale lock ${file}: too many take-over markers of dead processes; if no praksis server uses ${dataDir}, remove ${file} and ${LOCK_FILE}.takeover.* and start again`);
}

/** The markers of a finished take-over round (the lock no longer holds its content, so none of them matters). */
async function removeMarkers(dataDir: string, round: string): Promise<void> {
  for (const name of await readdir(dataDir).catch(() => [])) {
    if (name.startsWith(`${LOCK_FILE}.takeover.${round}.`)) await unlink(join(dataDir, name)).catch(() => undefined);
  }
}

/** Temp files and take-over markers of dead processes (we hold the lock: no live process needs them). */
async function removeLeftovers(dataDir: string): Promise<void> {
  for (const name of await readdir(dataDir).catch(() => [])) {
    if (!name.startsWith(`${LOCK_FILE}.`)) continue;
    const path = join(dataDir, name);
    const temp = /^praksis\.lock\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name);
    // (A temp file with our pid is an earlier process's: ours was removed once the lock was taken.)
    if (temp && (Number(temp[1]) === process.pid || !isAlive(Number(temp[1])))) await unlink(path).catch(() => undefined);
    if (name.startsWith(`${LOCK_FILE}.takeover.`) && !isLive((await contentOf(path).catch(() => undefined)) ?? '')) await unlink(path).catch(() => undefined);
  }
}
