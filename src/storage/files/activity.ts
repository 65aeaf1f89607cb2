/**
 * The activity log in `activity.jsonl`: one JSON line per entry, appended and fdatasync'ed before
 * `log` resolves, one append after another; nothing ever rewrites or deletes a line. A torn last
 * line (a crash mid-write, never acknowledged) is cut off at the next open; a damaged line anywhere
 * else stops the open, naming its line number. A failed append is cut back off the file at once.
 */
import { open, readFile, truncate, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ZActivity, type TActivity } from '../accounts.ts';
import { checkDocument, ZActivityDocument } from '../ports.ts';
import { fsyncDir } from './durable.ts';
import { reason, writeAll, type FileIO } from './io.ts';

export class FileActivity {
  readonly #file: string;
  readonly #io: FileIO;
  readonly #entries: TActivity[] = [];
  #handle: FileHandle | undefined;
  #size = 0;
  #chain: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(file: string, io: FileIO) {
    this.#file = file;
    this.#io = io;
  }

  static async open(file: string, io: FileIO): Promise<FileActivity> {
    const log = new FileActivity(file, io);
    await log.#load();
    log.#handle = await open(file, 'a', 0o600);
    await fsyncDir(dirname(file), io);
    return log;
  }

  async #load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.#file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new Error(`cannot read the activity log ${this.#file} (${reason(error)}); check its permissions`, { cause: error });
    }
    const end = text.lastIndexOf('\n') + 1;
    const lines = text.slice(0, end).split('\n').slice(0, -1);
    lines.forEach((line, i) => {
      let parsed: ReturnType<typeof ZActivity.safeParse>;
      try {
        parsed = ZActivity.safeParse(JSON.parse(line));
      } catch {
        parsed = ZActivity.safeParse(undefined);
      }
      if (!parsed.success) throw new Error(`${this.#file} line ${i + 1} is damaged; restore the file from a backup, or repair line ${i + 1} by hand`);
      this.#entries.push(parsed.data);
    });
    this.#size = Buffer.byteLength(text.slice(0, end), 'utf8');
    if (end < text.length) {
      await truncate(this.#file, this.#size);
      console.warn(`praksis: activity log recovered: cut off a torn last line (never acknowledged)`);
    }
  }

  log(entry: TActivity): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('the store is closed: the activity log takes no entry'));
    const parsed = ZActivity.safeParse(entry);
    if (!parsed.success) return Promise.reject(new Error(`the activity log refused an entry: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`));
    const valid = parsed.data;
    const bytes = Buffer.from(JSON.stringify(valid) + '\n', 'utf8');
    const run = this.#chain.then(async () => {
      const fd = this.#handle!.fd;
      try {
        await writeAll(this.#io, fd, bytes);
        await this.#io.fdatasync(fd);
      } catch (error) {
        await this.#io.ftruncate(fd, this.#size).catch(() => undefined);
        throw new Error(`could not write the activity log ${this.#file} (${reason(error)})`, { cause: error });
      }
      this.#size += bytes.length;
      this.#entries.push(valid);
    });
    this.#chain = run.catch(() => undefined);
    return run;
  }

  /** Writes `entries` into an EMPTY log in one write and one fdatasync (`praksis copy`); a failed write is cut back off. */
  async loadAll(entries: readonly TActivity[]): Promise<void> {
    if (this.#closed) throw new Error('the store is closed: the activity log takes no entry');
    const valid = checkDocument(ZActivityDocument, entries, 'activity log entries');
    const run = this.#chain.then(async () => {
      if (this.#entries.length > 0 || this.#size > 0) throw new Error(`${this.#file} already holds an activity log; it is not overwritten`);
      const bytes = Buffer.from(valid.map((e) => JSON.stringify(e) + '\n').join(''), 'utf8');
      const fd = this.#handle!.fd;
      try {
        await writeAll(this.#io, fd, bytes);
        await this.#io.fdatasync(fd);
      } catch (error) {
        await this.#io.ftruncate(fd, 0).catch(() => undefined);
        throw new Error(`could not write the activity log ${this.#file} (${reason(error)})`, { cause: error });
      }
      this.#size = bytes.length;
      this.#entries.push(...valid);
    });
    this.#chain = run.catch(() => undefined);
    return run;
  }

  entries(): TActivity[] {
    return structuredClone(this.#entries);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#chain;
    await this.#handle?.close();
    this.#handle = undefined;
  }
}
