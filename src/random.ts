/**
 * Random ids (response ids, submission ids): 16 bytes from the CSPRNG, base64url (22 characters).
 * The bytes are drawn 4 kB at a time and each 16-byte slice is used once and then wiped: the same
 * randomness as randomBytes(16) per call, without a system call per id.
 */
import { randomBytes } from 'node:crypto';

const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

export function randomId(): string {
  if (offset + 16 > pool.length) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const id = pool.toString('base64url', offset, offset + 16);
  pool.fill(0, offset, offset + 16);
  offset += 16;
  return id;
}
