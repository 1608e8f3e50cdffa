import { createHmac } from 'node:crypto';

/**
 * A uniform draw in (0, 1) fixed by the hub's secret and a label: the same question in the same month gets
 * the same noise, so asking again and averaging cannot wash it out, while nobody without the secret can
 * predict or subtract it. 53 bits of HMAC-SHA256, as `cryptoUniform` uses 53 random bits.
 */
export function keyedUniform(secret: Buffer, label: string): () => number {
  let counter = 0;
  return () => {
    const digest = createHmac('sha256', secret).update(`${label}\u0000${counter++}`).digest();
    const high = digest.readUInt32BE(0) >>> 5;
    const low = digest.readUInt32BE(4) >>> 6;
    return (high * 67108864 + low + 0.5) / 9007199254740992;
  };
}
