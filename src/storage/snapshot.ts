/**
 * The response table's snapshot (`responses.snapshot`): a cache of the column table of the first
 * `logBytes` bytes of `responses.jsonl`, so that opening a large store reads the small binary
 * snapshot and parses only the log lines written after it, instead of every line.
 *
 * The log stays the only record of the answers: the snapshot is written atomically (temp file,
 * fsync, rename) and only ever describes bytes that were already fsync'ed. At open it is used
 * only when it is intact (SHA-256 over the whole file) AND still matches the log (its length,
 * and hashes of the first and last 4 KiB it covers); otherwise it is ignored and the whole log
 * is read, as without a snapshot.
 *
 * Layout: "PRAKSIS-SNAPSHOT-3\n", uint32 LE header length, header JSON (rows, column dictionaries,
 * log identity, block sizes), the response ids (ASCII, one after another), the submission hashes
 * ("hash id" lines), zero padding to 4 bytes, the little-endian int32 end of each id, one
 * little-endian int32 code array per column, and the SHA-256 of everything before it. (Ids and
 * hashes are base64url: no spaces, no newlines.) Every large block is written straight from the
 * table's own arrays: no object per response is made to write one.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { endianness } from 'node:os';
import type { TAnswerValue } from '../survey/schema.ts';
import type { TableImage } from '../survey/table.ts';
import { writeFileDurably } from './files.ts';

const MAGIC = Buffer.from('PRAKSIS-SNAPSHOT-3\n', 'latin1');
const IDENTITY_BYTES = 4096;
/** Typed arrays are in the machine's byte order; the file is little-endian. */
const LITTLE_ENDIAN = endianness() === 'LE';

export interface LogIdentity {
  /** Bytes of the log the snapshot covers (always ends with a newline). */
  logBytes: number;
  /** SHA-256 (base64url) of the first and the last IDENTITY_BYTES bytes of that prefix. */
  head: string;
  tail: string;
}

export interface Snapshot {
  image: TableImage;
  identity: LogIdentity;
  /** [submission hash, response id] of every stored response that came with a submission id. */
  submissions: [string, string][];
}

interface Header extends LogIdentity {
  rows: number;
  columns: { key: string; values: TAnswerValue[] }[];
  /** Byte lengths of the ids block (ids joined by newlines) and the submissions block ("hash id" lines). */
  idsBytes: number;
  subsBytes: number;
  submissionCount: number;
}

const sha = (data: Uint8Array) => createHash('sha256').update(data).digest();

/** The identity of the log's first `logBytes` bytes. */
export async function logIdentity(handle: FileHandle, logBytes: number): Promise<LogIdentity> {
  const span = Math.min(IDENTITY_BYTES, logBytes);
  const head = Buffer.alloc(span);
  const tail = Buffer.alloc(span);
  await handle.read(head, 0, span, 0);
  await handle.read(tail, 0, span, logBytes - span);
  return { logBytes, head: sha(head).toString('base64url'), tail: sha(tail).toString('base64url') };
}

/** Lets waiting requests run between the steps of a snapshot (each step is a few milliseconds). */
const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

/** SHA-256 on libuv's thread pool (webcrypto), not on the event loop (the start reads a whole snapshot at once). */
async function digest(data: Uint8Array): Promise<Buffer> {
  return Buffer.from(await globalThis.crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));
}

/**
 * The snapshot's bytes, as parts in file order (the last is the SHA-256 of all before it). Built
 * and hashed in steps that yield to the event loop (no step copies or hashes more than one
 * column, ~0.5 MB at 100,000 rows), so a background snapshot does not hold up requests.
 */
export async function encodeSnapshot(snapshot: Snapshot): Promise<Buffer[]> {
  const { image, identity, submissions } = snapshot;
  const hash = createHash('sha256');
  const parts: Buffer[] = [];
  const add = async (part: Buffer) => {
    parts.push(part);
    hash.update(part);
    await yieldToRequests();
  };
  const ids = Buffer.from(image.ids.buffer, image.ids.byteOffset, image.ids.byteLength);
  const subs = Buffer.from(submissions.map(([h, id]) => `${h} ${id}`).join('\n'), 'utf8');
  await yieldToRequests();
  const header: Header = { ...identity, rows: image.rows, columns: image.columns, idsBytes: ids.length, subsBytes: subs.length, submissionCount: submissions.length };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  const pad = (4 - ((MAGIC.length + 4 + json.length + ids.length + subs.length) % 4)) % 4;
  for (const part of [MAGIC, length, json, ids, subs, Buffer.alloc(pad)]) await add(part);
  for (const codes of [image.idEnds, ...image.codes]) {
    if (LITTLE_ENDIAN) {
      await add(Buffer.from(codes.buffer, codes.byteOffset, codes.byteLength));
      continue;
    }
    const bytes = Buffer.alloc(codes.length * 4);
    for (let i = 0; i < codes.length; i += 1) bytes.writeInt32LE(codes[i]!, i * 4);
    await add(bytes);
  }
  parts.push(hash.digest());
  return parts;
}

/** Decodes a snapshot file's bytes; throws saying what is wrong. */
export async function decodeSnapshot(bytes: Buffer): Promise<Snapshot> {
  if (bytes.length < MAGIC.length + 4 + 32 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a praksis snapshot (or one of an older format)');
  const body = bytes.subarray(0, bytes.length - 32);
  if (!(await digest(body)).equals(bytes.subarray(bytes.length - 32))) throw new Error('checksum mismatch');
  const jsonLength = body.readUInt32LE(MAGIC.length);
  let offset = MAGIC.length + 4;
  const header = JSON.parse(body.toString('utf8', offset, offset + jsonLength)) as Header;
  offset += jsonLength;
  const rows = header.rows;
  if (!Number.isInteger(rows) || rows < 0 || !Array.isArray(header.columns)) throw new Error('bad header');
  if (!Number.isInteger(header.logBytes) || header.logBytes < 0 || typeof header.head !== 'string' || typeof header.tail !== 'string') throw new Error('bad log identity');
  if (![header.idsBytes, header.subsBytes, header.submissionCount].every((x) => Number.isInteger(x) && x >= 0)) throw new Error('bad block sizes');
  if (offset + header.idsBytes > body.length) throw new Error('wrong length');
  const ids = Uint8Array.prototype.slice.call(body, offset, offset + header.idsBytes);
  offset += header.idsBytes;
  const subs = header.submissionCount === 0 ? [] : body.toString('utf8', offset, offset + header.subsBytes).split('\n');
  offset += header.subsBytes;
  if (subs.length !== header.submissionCount) throw new Error('wrong number of submission ids');
  const submissions = subs.map((line): [string, string] => {
    const [hash, id, extra] = line.split(' ');
    if (!hash || !id || extra !== undefined) throw new Error('bad submission list');
    return [hash, id];
  });
  offset += (4 - (offset % 4)) % 4;
  if (body.length !== offset + (1 + header.columns.length) * rows * 4) throw new Error('wrong length');
  const [idEnds, ...codes] = [null, ...header.columns].map(() => {
    const start = offset;
    offset += rows * 4;
    // slice() copies into a fresh, aligned ArrayBuffer.
    if (LITTLE_ENDIAN) return new Int32Array(Uint8Array.prototype.slice.call(body, start, offset).buffer);
    const out = new Int32Array(rows);
    for (let i = 0; i < rows; i += 1) out[i] = body.readInt32LE(start + i * 4);
    return out;
  });
  return {
    image: { rows, ids, idEnds: idEnds!, columns: header.columns, codes },
    identity: { logBytes: header.logBytes, head: header.head, tail: header.tail },
    submissions,
  };
}

export async function writeSnapshot(file: string, snapshot: Snapshot): Promise<void> {
  await writeFileDurably(file, await encodeSnapshot(snapshot));
}

/** The snapshot, or undefined when there is none; throws when the file is there but unusable. */
export async function readSnapshot(file: string): Promise<Snapshot | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return await decodeSnapshot(bytes);
}

/**
 * Removes temp files of snapshot writes that a killed process left behind (`.responses.snapshot.<pid>.tmp`).
 * Only one server opens a data directory (praksis.lock), so no live write is touched.
 */
export async function removeStaleSnapshotTemps(file: string): Promise<void> {
  const prefix = `.${basename(file)}.`;
  for (const name of await readdir(dirname(file))) {
    if (name.startsWith(prefix) && name.endsWith('.tmp')) await unlink(join(dirname(file), name)).catch(() => undefined);
  }
}
