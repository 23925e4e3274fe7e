import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Envelope encryption for secrets at rest (exchange API keys, TOTP seeds, MTProto sessions).
 * Each record gets a fresh 256-bit data key; the data key is wrapped by the master key (AES-256-GCM)
 * and the payload is encrypted by the data key (AES-256-GCM) with caller-supplied associated data
 * (e.g. `user:42|exchange:binance_futures`), so a ciphertext moved to another row fails to open.
 *
 * Sealed format (one string): `v1.<kid>.<wrapIv>.<wrappedKey>.<iv>.<ciphertext>` in base64url,
 * where each GCM output carries its 16-byte tag appended.
 */
export class SecretBox {
  readonly keyId: string;

  constructor(private readonly masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('master key must be 32 bytes');
    this.keyId = masterKeyId(masterKey);
  }

  seal(plaintext: string, associatedData: string): string {
    const dataKey = randomBytes(32);
    const wrapIv = randomBytes(12);
    const wrapped = gcmEncrypt(this.masterKey, wrapIv, dataKey, Buffer.from(`wrap|${associatedData}`));
    const iv = randomBytes(12);
    const body = gcmEncrypt(dataKey, iv, Buffer.from(plaintext, 'utf8'), Buffer.from(associatedData));
    dataKey.fill(0);
    return ['v1', this.keyId, b64(wrapIv), b64(wrapped), b64(iv), b64(body)].join('.');
  }

  open(sealed: string, associatedData: string): string {
    const parts = parse(sealed);
    if (parts.kid !== this.keyId) throw new SecretBoxError('sealed with a different master key');
    const dataKey = gcmDecrypt(
      this.masterKey,
      parts.wrapIv,
      parts.wrapped,
      Buffer.from(`wrap|${associatedData}`),
    );
    try {
      return gcmDecrypt(dataKey, parts.iv, parts.body, Buffer.from(associatedData)).toString('utf8');
    } finally {
      dataKey.fill(0);
    }
  }

  /** Re-wraps the data key under another master key; the payload ciphertext is unchanged. */
  rewrap(sealed: string, associatedData: string, next: SecretBox): string {
    const parts = parse(sealed);
    if (parts.kid === next.keyId) return sealed;
    if (parts.kid !== this.keyId) throw new SecretBoxError('sealed with a different master key');
    const aad = Buffer.from(`wrap|${associatedData}`);
    const dataKey = gcmDecrypt(this.masterKey, parts.wrapIv, parts.wrapped, aad);
    const wrapIv = randomBytes(12);
    const wrapped = gcmEncrypt(next.masterKey, wrapIv, dataKey, aad);
    dataKey.fill(0);
    return ['v1', next.keyId, b64(wrapIv), b64(wrapped), b64(parts.iv), b64(parts.body)].join('.');
  }
}

export class SecretBoxError extends Error {
  override name = 'SecretBoxError';
}

export function masterKeyId(masterKey: Buffer): string {
  return createHash('sha256').update('verzek-master-key-id').update(masterKey).digest('hex').slice(0, 12);
}

function parse(sealed: string) {
  const p = sealed.split('.');
  if (p.length !== 6 || p[0] !== 'v1') throw new SecretBoxError('not a sealed secret');
  const [, kid, wrapIv, wrapped, iv, body] = p as [string, string, string, string, string, string];
  return { kid, wrapIv: unb64(wrapIv), wrapped: unb64(wrapped), iv: unb64(iv), body: unb64(body) };
}

function gcmEncrypt(key: Buffer, iv: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

function gcmDecrypt(key: Buffer, iv: Buffer, data: Buffer, aad: Buffer): Buffer {
  if (data.length < 16) throw new SecretBoxError('ciphertext too short');
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(data.subarray(data.length - 16));
  try {
    return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]);
  } catch {
    throw new SecretBoxError('secret failed authentication (wrong key or tampered)');
  }
}

const b64 = (b: Buffer) => b.toString('base64url');
const unb64 = (s: string) => Buffer.from(s, 'base64url');
