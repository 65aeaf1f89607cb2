/**
 * One JSON document on disk (settings.json, fieldwork.json), held in memory and changed only
 * through one chain: each change reads the current data, validates the new data with the
 * document's zod schema (so the file always opens again) and writes it durably (lowdb with
 * DurableJSONFile) before it becomes current. A refused or failed change leaves everything as it was.
 */
import { stat } from 'node:fs/promises';
import { Low } from 'lowdb';
import type { z } from 'zod';
import { DurableJSONFile, ReplacedNotSynced } from './durable.ts';
import type { FileIO } from './io.ts';

function issues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

export class JsonDocument<T> {
  readonly #low: Low<T>;
  readonly #schema: z.ZodType<T>;
  /** What the file holds, in words ("settings", "fieldwork data"), for messages. */
  readonly #what: string;
  #chain: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(low: Low<T>, schema: z.ZodType<T>, what: string) {
    this.#low = low;
    this.#schema = schema;
    this.#what = what;
  }

  /** Reads and validates the file; a missing one is created (as `{}` reads). */
  static async open<T>(file: string, schema: z.ZodType<T>, what: string, io: FileIO): Promise<JsonDocument<T>> {
    const adapter = new DurableJSONFile<T>(file, io);
    const stored = await adapter.read();
    const parsed = schema.safeParse(stored ?? {});
    if (!parsed.success) throw new Error(`${file} does not hold valid ${what}: ${issues(parsed.error)}; restore it from a backup`);
    const doc = new JsonDocument(new Low<T>(adapter, parsed.data), schema, what);
    if (stored === null) await doc.serial(() => doc.commit(parsed.data));
    return doc;
  }

  get file(): string {
    return (this.#low.adapter as DurableJSONFile<T>).filename;
  }

  /** The current data: read it, never change it (changes go through `change` or `commit`). */
  get data(): T {
    return this.#low.data;
  }

  /** Runs `step` after every earlier step has settled: the one order of every read-modify-write. */
  serial<R>(step: () => R | Promise<R>): Promise<R> {
    if (this.#closed) return Promise.reject(new Error(`the store is closed: the ${this.#what} cannot change`));
    const run = this.#chain.then(step);
    this.#chain = run.catch(() => undefined);
    return run;
  }

  /** Validates `next`, writes it durably and makes it current. Call it inside `serial`. */
  async commit(next: T): Promise<void> {
    const parsed = this.#schema.safeParse(next);
    if (!parsed.success) throw new Error(`the change of the ${this.#what} was refused: ${issues(parsed.error)}`);
    try {
      await this.#low.adapter.write(parsed.data);
    } catch (error) {
      // The file holds the new data even though the write failed at the last step: keep memory equal to the file.
      if (error instanceof ReplacedNotSynced) this.#low.data = parsed.data;
      throw error;
    }
    this.#low.data = parsed.data;
  }

  /** Applies `mutate` to a copy of the data and commits it, in the chain; resolves with what `mutate` returned. */
  change<R>(mutate: (draft: T) => R): Promise<R> {
    return this.serial(async () => {
      const draft = structuredClone(this.#low.data);
      const result = mutate(draft);
      await this.commit(draft);
      return result;
    });
  }

  /** Takes no more changes; resolves once every change begun has settled. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#chain;
  }
}

/**
 * A JSON document that exists only once something is stored in it (audit.json, catalog.json): opened
 * with the store when its file exists, else made by the first change. A failed first open is tried
 * again by the next change.
 */
export class LazyDocument<T> {
  readonly #file: string;
  readonly #schema: z.ZodType<T>;
  readonly #what: string;
  readonly #io: FileIO;
  #doc: Promise<JsonDocument<T>> | undefined;
  #closed = false;

  private constructor(file: string, schema: z.ZodType<T>, what: string, io: FileIO, doc: JsonDocument<T> | undefined) {
    this.#file = file;
    this.#schema = schema;
    this.#what = what;
    this.#io = io;
    this.#doc = doc ? Promise.resolve(doc) : undefined;
  }

  static async open<T>(file: string, schema: z.ZodType<T>, what: string, io: FileIO): Promise<LazyDocument<T>> {
    const exists = await stat(file).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return false;
        throw new Error(`cannot read ${file} (${error.message}); check its permissions`, { cause: error });
      },
    );
    return new LazyDocument(file, schema, what, io, exists ? await JsonDocument.open(file, schema, what, io) : undefined);
  }

  get file(): string {
    return this.#file;
  }

  /** The current data, or undefined while the file does not exist. */
  async data(): Promise<T | undefined> {
    return this.#doc ? (await this.#doc).data : undefined;
  }

  /** The document, made (the file written) if it does not exist yet. */
  document(): Promise<JsonDocument<T>> {
    if (this.#closed) return Promise.reject(new Error(`the store is closed: the ${this.#what} cannot change`));
    this.#doc ??= JsonDocument.open(this.#file, this.#schema, this.#what, this.#io);
    this.#doc.catch(() => (this.#doc = undefined));
    return this.#doc;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const doc = await this.#doc?.catch(() => undefined);
    await doc?.close();
  }
}
