import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';

export interface Secrets {
  /** HMAC key for access tokens (HS256). */
  jwtKey: Uint8Array;
  /** 32-byte key that wraps per-record data keys (exchange API secrets, TOTP seeds). */
  masterKey: Buffer;
  /** Where each secret came from, for the start-up log line (never the value). */
  sources: { jwt: 'env' | 'file'; master: 'env' | 'file' };
}

/**
 * Secrets come from the environment or, failing that, from files in `<dataDir>/secrets/` created on
 * first start with mode 0600. Nothing has a default value in code.
 */
export function loadSecrets(config: Pick<Config, 'dataDir' | 'secrets'>): Secrets {
  const dir = path.join(config.dataDir, 'secrets');
  const jwtEnv = config.secrets.jwtSecret;
  const masterEnv = config.secrets.masterKey;
  return {
    jwtKey: new TextEncoder().encode(
      jwtEnv ?? readOrCreate(dir, 'jwt.key', () => randomBytes(48).toString('base64url')),
    ),
    masterKey: Buffer.from(
      masterEnv ?? readOrCreate(dir, 'master.key', () => randomBytes(32).toString('base64')),
      'base64',
    ),
    sources: { jwt: jwtEnv ? 'env' : 'file', master: masterEnv ? 'env' : 'file' },
  };
}

/** Reads a secret file, creating it atomically (O_EXCL) if absent so concurrent starts agree. */
export function readOrCreate(dir: string, name: string, generate: () => string): string {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, name);
  try {
    fs.writeFileSync(file, `${generate()}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const mode = fs.statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
  const value = fs.readFileSync(file, 'utf8').trim();
  if (value.length < 16)
    throw new Error(`secret file ${file} is empty or truncated; delete it to regenerate`);
  return value;
}
