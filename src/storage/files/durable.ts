/**
 * Durable whole-file writes for settings.json and fieldwork.json: temp file → fsync → rename →
 * fsync(directory), so a crash leaves either the old or the new file, never a torn one, and an
 * acknowledged write is on disk. A failed write removes its temp file (on every path); temp files
 * left by a crash are removed at open (removeStaleTemps).
 */
import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import { nodeIO, reason, writeAll, type FileIO } from './io.ts';

export async function fsyncDir(dir: string, io: FileIO = nodeIO): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await io.fsync(handle.fd);
  } finally {
    await handle.close();
  }
}

/**
 * The write's rename happened (the file holds the new content) but the directory could not be made
 * durable: a crash of the machine may still bring back the old file. The caller keeps the new
 * content as current (it is what every reader sees) and reports the failure.
 */
export class ReplacedNotSynced extends Error {
  constructor(file: string, cause: unknown) {
    super(`${file} was written, but its directory could not be synced to disk (${reason(cause)})`, { cause });
    this.name = 'ReplacedNotSynced';
  }
}

const tempPrefix = (file: string) => `.${basename(file)}.`;

/** Replaces `file` atomically and durably with `text`. */
export async function writeFileDurably(file: string, text: string, io: FileIO = nodeIO): Promise<void> {
  const temp = join(dirname(file), `${tempPrefix(file)}${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, 'wx', 0o600);
    await writeAll(io, handle.fd, Buffer.from(text, 'utf8'));
    await io.fsync(handle.fd);
    const closing = handle;
    handle = undefined;
    await closing.close();
    await rename(temp, file);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  try {
    await fsyncDir(dirname(file), io);
  } catch (error) {
    throw new ReplacedNotSynced(file, error);
  }
}

/** Removes the temp files a crashed write of these files left behind (`.<name>.*.tmp`). */
export async function removeStaleTemps(dir: string, files: readonly string[]): Promise<void> {
  const prefixes = files.map(tempPrefix);
  for (const name of await readdir(dir)) {
    if (name.endsWith('.tmp') && prefixes.some((p) => name.startsWith(p))) await unlink(join(dir, name)).catch(() => undefined);
  }
}

/**
 * lowdb 7 adapter for one JSON file with durable writes. Writes are serialised: each `write`
 * resolves only when its data (or newer data) is on disk.
 */
export class DurableJSONFile<T> implements Adapter<T> {
  #chain: Promise<void> = Promise.resolve();
  constructor(
    readonly filename: string,
    readonly io: FileIO = nodeIO,
  ) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.filename, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new Error(`cannot read ${this.filename} (${reason(error)}); check its permissions`, { cause: error });
    }
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new Error(`${this.filename} is not valid JSON (${reason(error)}); restore it from a backup`, { cause: error });
    }
  }

  write(data: T): Promise<void> {
    const text = JSON.stringify(data, null, 2) + '\n';
    const next = this.#chain.then(() => writeFileDurably(this.filename, text, this.io));
    this.#chain = next.catch(() => undefined);
    return next;
  }
}
