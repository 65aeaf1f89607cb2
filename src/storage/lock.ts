/**
 * One server per data directory: `praksis.lock` holds the owner's pid. A lock left by a process
 * that no longer exists (a crash, SIGKILL) is taken over; a live owner is a clear error.
 */
import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface DirLock {
  release(): Promise<void>;
}

/** Locks held by this process, so a second openStore on the same directory fails too. */
const heldHere = new Set<string>();

export async function lockDataDir(dataDir: string): Promise<DirLock> {
  const file = join(dataDir, 'praksis.lock');
  if (heldHere.has(file)) throw new Error(`the data directory ${dataDir} is already open in this process`);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const handle = await open(file, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      heldHere.add(file);
      return {
        async release() {
          heldHere.delete(file);
          await unlink(file).catch(() => undefined);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt((await readFile(file, 'utf8').catch(() => '')).trim(), 10);
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
        throw new Error(`the data directory ${dataDir} is in use by another praksis process (pid ${owner}); stop it first`);
      }
      await unlink(file).catch(() => undefined); // stale: its owner is gone
    }
  }
  throw new Error(`could not lock the data directory ${dataDir}`);
}
