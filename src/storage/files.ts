/**
 * Small durable-file primitives shared by the stores: a lowdb adapter that writes
 * temp-file → fsync → rename → fsync(dir), so a crash leaves either the old or the new file,
 * never a torn one, and an acknowledged write is on disk.
 */
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';

export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Replaces `file` atomically and durably with `text` (or bytes, or byte parts written in order). */
export async function writeFileDurably(file: string, text: string | Uint8Array | readonly Uint8Array[]): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  const handle = await open(temp, 'w', 0o600);
  try {
    if (typeof text === 'string') await handle.writeFile(text, 'utf8');
    else if (text instanceof Uint8Array) await handle.writeFile(text);
    // Each writeFile continues at the handle's position: the parts follow one another.
    else for (const part of text) await handle.writeFile(part);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await fsyncDir(dirname(file));
}

/**
 * lowdb 7 adapter for one JSON file with durable writes. Writes are serialised: each `write`
 * resolves only when its data (or newer data) is on disk.
 */
export class DurableJSONFile<T> implements Adapter<T> {
  #chain: Promise<void> = Promise.resolve();
  constructor(readonly filename: string) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.filename, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new Error(`${this.filename} is not valid JSON (${(error as Error).message}); restore it from a backup or remove it`);
    }
  }

  write(data: T): Promise<void> {
    const text = JSON.stringify(data, null, 2) + '\n';
    const next = this.#chain.then(() => writeFileDurably(this.filename, text));
    this.#chain = next.catch(() => undefined);
    return next;
  }
}
