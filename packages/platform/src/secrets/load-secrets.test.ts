import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSecrets } from './load-secrets';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'verzek-secrets-'));
}

describe('loadSecrets', () => {
  it('generates secret files with mode 0600 on first start and reuses them after', () => {
    const dataDir = tempDir();
    const first = loadSecrets({ dataDir, secrets: {} });
    const second = loadSecrets({ dataDir, secrets: {} });
    expect(first.sources).toEqual({ jwt: 'file', master: 'file' });
    expect(first.masterKey.length).toBe(32);
    expect(Buffer.from(second.jwtKey).equals(Buffer.from(first.jwtKey))).toBe(true);
    expect(second.masterKey.equals(first.masterKey)).toBe(true);
    for (const f of ['jwt.key', 'master.key']) {
      expect(fs.statSync(path.join(dataDir, 'secrets', f)).mode & 0o777).toBe(0o600);
    }
  });

  it('prefers the environment and writes no file then', () => {
    const dataDir = tempDir();
    const masterKey = Buffer.alloc(32, 7).toString('base64');
    const s = loadSecrets({ dataDir, secrets: { jwtSecret: 'x'.repeat(40), masterKey } });
    expect(s.sources).toEqual({ jwt: 'env', master: 'env' });
    expect(s.masterKey.equals(Buffer.alloc(32, 7))).toBe(true);
    expect(fs.existsSync(path.join(dataDir, 'secrets'))).toBe(false);
  });

  it('tightens a secret file that was left world-readable', () => {
    const dataDir = tempDir();
    loadSecrets({ dataDir, secrets: {} });
    const file = path.join(dataDir, 'secrets', 'jwt.key');
    fs.chmodSync(file, 0o644);
    loadSecrets({ dataDir, secrets: {} });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });
});
