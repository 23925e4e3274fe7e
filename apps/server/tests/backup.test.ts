import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

const BIN = path.resolve(import.meta.dirname, '../bin/verzek.mjs');

function env(dataDir: string): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !['DATABASE_URL', 'PORT'].includes(k)),
  );
  return { ...clean, DATA_DIR: dataDir, LOG_LEVEL: 'warn', MARKET_FEED: 'manual' };
}

function run(args: string[], dataDir: string, input = '') {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: env(dataDir) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

describe('backup and restore (SQLite)', () => {
  it('takes a consistent snapshot under write load that restores with every committed signal', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verzek-backup-'));
    expect(
      (
        await run(
          ['admin', 'create', '--email', 'ops@example.com', '--password-stdin'],
          dataDir,
          'backup-test-pass\n',
        )
      ).code,
    ).toBe(0);
    const port = await freePort();
    const server = spawn(process.execPath, [BIN, 'serve', '--port', String(port)], {
      env: env(dataDir),
      stdio: 'ignore',
    });
    const url = `http://127.0.0.1:${port}`;
    try {
      for (let i = 0; ; i++) {
        try {
          if ((await fetch(`${url}/api/ping`)).ok) break;
        } catch {
          /* starting */
        }
        if (i > 200) throw new Error('server did not start');
        await new Promise((r) => setTimeout(r, 100));
      }
      const login = await fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'ops@example.com', password: 'backup-test-pass' }),
      });
      const { access_token } = (await login.json()) as { access_token: string };
      const committed: number[] = [];
      let writing = true;
      const writer = (async () => {
        for (let i = 0; writing && i < 2000; i++) {
          const r = await fetch(`${url}/api/signals`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${access_token}` },
            body: JSON.stringify({
              symbol: 'BTCUSDT',
              direction: 'LONG',
              entry: 70000 + i,
              targets: [71000 + i],
              stop_loss: 69000,
            }),
          });
          if (r.status === 201) committed.push(((await r.json()) as { id: number }).id);
        }
      })();
      await new Promise((r) => setTimeout(r, 700));
      const before = [...committed];
      const backup = await run(['backup', '--out', path.join(dataDir, 'bk')], dataDir);
      writing = false;
      await writer;
      expect(backup.code, backup.stderr).toBe(0);
      expect(backup.stdout).toMatch(/integrity ok/);
      expect(before.length).toBeGreaterThan(5);
      const file = /backup written: (\S+)/.exec(backup.stdout)![1]!;

      // Restore into a fresh data folder and check what it holds.
      const other = fs.mkdtempSync(path.join(os.tmpdir(), 'verzek-restore-'));
      const restored = await run(['restore', file], other);
      expect(restored.code, restored.stderr).toBe(0);
      const db = new SQLite(path.join(other, 'verzek.db'), { readonly: true });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const ids = new Set((db.prepare('select id from signals').all() as { id: number }[]).map((r) => r.id));
      db.close();
      for (const id of before) expect(ids.has(id), `signal ${id} committed before the backup`).toBe(true);
      expect(ids.size).toBeLessThanOrEqual(committed.length);
    } finally {
      server.kill('SIGTERM');
    }
  }, 120_000);
});
