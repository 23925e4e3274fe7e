import { createHash } from 'node:crypto';

/**
 * The client order id of a position's leg: a hash of (position key, leg), so a re-sent command after
 * a crash carries the same id and is found, never duplicated. 32 chars, prefix `vz`, [a-z0-9] —
 * inside every venue's limits (Binance: ≤ 36 of [.A-Z:/a-z0-9_-]).
 */
export function clientOrderId(positionKey: string, leg: string): string {
  const digest = createHash('sha256').update(`${positionKey}|${leg}`).digest();
  return `vz${base32(digest).slice(0, 30)}`;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}
