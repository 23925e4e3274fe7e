import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox, SecretBoxError } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('round-trips and never contains the plaintext', () => {
    const sealed = box.seal('my-api-secret-123', 'user:1|exchange:binance');
    expect(sealed).not.toContain('my-api-secret-123');
    expect(box.open(sealed, 'user:1|exchange:binance')).toBe('my-api-secret-123');
  });

  it('uses a fresh data key per record', () => {
    expect(box.seal('same', 'a')).not.toBe(box.seal('same', 'a'));
  });

  it('refuses other associated data, tampering and other master keys', () => {
    const sealed = box.seal('secret', 'user:1|exchange:bybit');
    expect(() => box.open(sealed, 'user:2|exchange:bybit')).toThrow(SecretBoxError);
    const parts = sealed.split('.');
    const body = Buffer.from(parts[5]!, 'base64url');
    body[0] = body[0]! ^ 1;
    parts[5] = body.toString('base64url');
    expect(() => box.open(parts.join('.'), 'user:1|exchange:bybit')).toThrow(SecretBoxError);
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'user:1|exchange:bybit')).toThrow(
      SecretBoxError,
    );
    expect(() => box.open('garbage', 'x')).toThrow(SecretBoxError);
  });

  it('rewraps under a new master key without touching the payload', () => {
    const next = new SecretBox(randomBytes(32));
    const sealed = box.seal('rotate-me', 'aad');
    const rewrapped = box.rewrap(sealed, 'aad', next);
    expect(rewrapped.split('.')[5]).toBe(sealed.split('.')[5]);
    expect(next.open(rewrapped, 'aad')).toBe('rotate-me');
    expect(() => box.open(rewrapped, 'aad')).toThrow(SecretBoxError);
  });
});
