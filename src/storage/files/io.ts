/**
 * The low-level writes of the file adapter, as one small seam: appending to the response log and
 * making it durable, and the temp files of settings.json and fieldwork.json. The defaults are
 * node:fs; a test passes its own (for instance an fdatasync that fails once with ENOSPC) to check
 * what a user notices when the disk fails, without mocking the store itself.
 */
import { fdatasync, fsync, ftruncate, write } from 'node:fs';

export interface FileIO {
  /** Writes `length` bytes of `buffer` from `offset` at the file's position; resolves with the bytes written. */
  write(fd: number, buffer: Uint8Array, offset: number, length: number): Promise<number>;
  /** Makes the file's data (and its size) durable. */
  fdatasync(fd: number): Promise<void>;
  /** Makes the file's data and metadata durable (temp files before their rename, directories). */
  fsync(fd: number): Promise<void>;
  ftruncate(fd: number, length: number): Promise<void>;
}

const done =
  <T>(resolve: (value: T) => void, reject: (error: unknown) => void) =>
  (error: NodeJS.ErrnoException | null, value?: T) =>
    error ? reject(error) : resolve(value as T);

export const nodeIO: FileIO = {
  write: (fd, buffer, offset, length) => new Promise((resolve, reject) => write(fd, buffer, offset, length, null, done(resolve, reject))),
  fdatasync: (fd) => new Promise((resolve, reject) => fdatasync(fd, done(resolve, reject))),
  fsync: (fd) => new Promise((resolve, reject) => fsync(fd, done(resolve, reject))),
  ftruncate: (fd, length) => new Promise((resolve, reject) => ftruncate(fd, length, done(resolve, reject))),
};

/** node:fs, with any of its functions replaced. */
export function fileIO(overrides: Partial<FileIO> = {}): FileIO {
  return { ...nodeIO, ...overrides };
}

/** Writes all of `bytes` (a write may take fewer bytes than asked). */
export async function writeAll(io: FileIO, fd: number, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length; ) at += await io.write(fd, bytes, at, bytes.length - at);
}

/** The error's code and message, for messages written for people ("ENOSPC: no space left on device"). */
export function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
