import { createCipheriv, createHmac } from 'node:crypto';

/**
 * A deterministic cryptographic random stream: AES-256 in counter mode under the key HMAC-SHA256(key,
 * seed), read as bytes (the keystream of a zero IV).
 * The same key and seed give the same stream, so the same request over the same data draws the same
 * noise (repeating a query can neither average the noise away nor cost budget); without the key the
 * stream cannot be predicted, so the noise cannot be subtracted. Every draw is an exact integer: no
 * floating point touches the noise (Mironov 2012 shows how its low bits leak).
 */
export interface NoiseStream {
  /** A uniform integer in [0, n), exact, by rejection sampling; n at most 2^48. */
  uniformInt(n: number): number;
}

const CHUNK_BYTES = 4096;
const DRAW_BYTES = 6;
const DRAW_RANGE = 2 ** 48;

export function createNoiseStream(key: Buffer, seed: string): NoiseStream {
  const cipher = createCipheriv('aes-256-ctr', createHmac('sha256', key).update(seed).digest(), Buffer.alloc(16));
  const zeros = Buffer.alloc(CHUNK_BYTES);
  let block = cipher.update(zeros);
  let offset = 0;
  /** The next 48 bits of the keystream (a chunk's few leftover bytes are skipped, never reused). */
  const nextDraw = (): number => {
    if (offset + DRAW_BYTES > block.length) {
      block = cipher.update(zeros);
      offset = 0;
    }
    const draw = block.readUIntBE(offset, DRAW_BYTES);
    offset += DRAW_BYTES;
    return draw;
  };
  return {
    uniformInt(n: number): number {
      if (!Number.isSafeInteger(n) || n < 1 || n > DRAW_RANGE) throw new RangeError('a uniform draw needs a range of 1 to 2^48');
      // The largest multiple of n that fits: draws at or above it are rejected, so no value is favoured.
      const limit = DRAW_RANGE - (DRAW_RANGE % n);
      for (;;) {
        const draw = nextDraw();
        if (draw < limit) return draw % n;
      }
    },
  };
}
