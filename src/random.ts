/** Random ids (response ids, submission ids): 16 bytes from the CSPRNG, base64url (22 characters). */
import { randomBytes } from 'node:crypto';

export function randomId(): string {
  return randomBytes(16).toString('base64url');
}
