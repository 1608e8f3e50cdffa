import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { randomPoolBytes } from './random-pool.ts';

/**
 * Seals a platform's pseudonym for the subject vault with AES-256-GCM, so a database dump shows neither the
 * pseudonym nor anything that compares equal across rows. The key is derived from the hub secret with
 * HKDF-SHA256 under its own label: it lives where the secret lives (HUB_SECRET or the data folder's keys),
 * never in the database, and rotating the secret is already a re-keying of every keyed hash.
 * Layout: 12-byte random nonce ‖ ciphertext ‖ 16-byte tag. The subject id (a keyed hash of platform and
 * pseudonym) is bound in as associated data, so a sealed value copied onto another row does not open.
 */
export interface SubjectRefCipher {
  seal(subjectId: string, subjectRef: string): Buffer;
  /** Throws when the value was not sealed for this subject under this key. */
  open(subjectId: string, sealed: Uint8Array): string;
}

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export function subjectRefCipher(secret: Uint8Array): SubjectRefCipher {
  const key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'tradein-hub subject-ref encryption v1', 32));
  return {
    seal(subjectId, subjectRef) {
      // A fresh random nonce per seal, drawn from the pool (one CSPRNG call per many seals).
      const nonce = randomPoolBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      cipher.setAAD(Buffer.from(subjectId, 'utf8'));
      const body = Buffer.concat([cipher.update(subjectRef, 'utf8'), cipher.final()]);
      return Buffer.concat([nonce, body, cipher.getAuthTag()]);
    },
    open(subjectId, sealed) {
      const bytes = Buffer.from(sealed);
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, NONCE_BYTES));
      decipher.setAAD(Buffer.from(subjectId, 'utf8'));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      return Buffer.concat([decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    },
  };
}
