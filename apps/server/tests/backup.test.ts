import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger, loadConfig } from '@verzek/platform';
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createContext } from '../src/context';
import { createAdmin } from '../src/services/users/create-admin';
import { apiCall, spawnServe, stopProcess, type ServeProcess } from '../src/testing/cluster';
import { createFollowers } from '../src/testing/followers';

const BIN = path.resolve(import.meta.dirname, '../bin/verzek.mjs');
const FOLLOWERS = 20;
const ADMIN = { email: 'ops@example.com', password: 'backup-test-pass' };

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

function ids(file: string, table: 'signals' | 'positions'): number[] {
  const db = new SQLite(file, { readonly: true });
  try {
    return (db.prepare(`select id from ${table}`).all() as { id: number }[]).map((r) => r.id);
  } finally {
    db.close();
  }
}

describe('backup and restore (SQLite)', () => {
  let server: ServeProcess | null = null;
  // Also when the test fails or times out: no server outlives the run.
  afterAll(async () => {
    if (server) await stopProcess(server, 10_000);
  });

  it('takes a consistent snapshot under load that restores with every committed signal and position', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verzek-backup-'));
    const dbFile = path.join(dataDir, 'verzek.db');
    // Seed an admin and PREMIUM followers (auto-trading on paper) through our own connection.
    const seed = await createContext(
      loadConfig({}, { DATA_DIR: dataDir, DATABASE_URL: `sqlite:${dbFile}`, MARKET_FEED: 'manual' }),
      { role: 'api', logger: createLogger({ level: 'silent' }) },
    );
    await createFollowers(seed.db, FOLLOWERS, { now: seed.clock.now(), prefix: 'bk' });
    await createAdmin(seed.db, ADMIN, seed.clock.now());
    await seed.close();

    // The whole platform (API + workers) on a near-flat simulated price around BTC ~95,000.
    server = spawnServe('all', {
      DATA_DIR: dataDir,
      DATABASE_URL: `sqlite:${dbFile}`,
      MARKET_FEED: 'sim',
      SIM_VOLATILITY_PCT: '0.0001',
      SIM_TICK_MS: '250',
      LOG_LEVEL: 'info', // readiness is read from the log
    });
    await server.ready;
    const url = server.url!;
    const login = await apiCall<{ access_token: string }>(url, 'POST', '/api/auth/login', ADMIN);
    expect(login.status).toBe(200);
    const token = login.body.access_token;

    // Signals keep coming (each fans out to the followers and opens positions) while the backup runs.
    const committed: number[] = [];
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing && i < 2000; i++) {
        const r = await apiCall<{ id: number }>(
          url,
          'POST',
          '/api/signals',
          {
            symbol: i % 2 === 0 ? 'BTCUSDT' : 'ETHUSDT',
            direction: 'LONG',
            targets: i % 2 === 0 ? ['98000', '101000'] : ['3900', '4100'],
            stop_loss: i % 2 === 0 ? '90000' : '3000',
            source_message_id: `bk-${i}`,
          },
          token,
        );
        if (r.status === 201) committed.push(r.body.id);
      }
    })();
    await expect.poll(() => ids(dbFile, 'positions').length, { timeout: 30_000 }).toBeGreaterThan(FOLLOWERS);
    const signalsBefore = [...committed];
    const positionsBefore = ids(dbFile, 'positions');
    const backup = await run(['backup', '--out', path.join(dataDir, 'bk')], dataDir);
    writing = false;
    await writer;
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toMatch(/integrity ok/);
    expect(signalsBefore.length).toBeGreaterThan(2);
    const file = /backup written: (\S+)/.exec(backup.stdout)![1]!;

    // Restore into a fresh data folder and check what it holds.
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'verzek-restore-'));
    const restored = await run(['restore', file], other);
    expect(restored.code, restored.stderr).toBe(0);
    const restoredFile = path.join(other, 'verzek.db');
    const db = new SQLite(restoredFile, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    const signals = new Set(ids(restoredFile, 'signals'));
    for (const id of signalsBefore)
      expect(signals.has(id), `signal ${id} committed before the backup`).toBe(true);
    expect(signals.size).toBeLessThanOrEqual(committed.length);
    const positions = new Set(ids(restoredFile, 'positions'));
    for (const id of positionsBefore)
      expect(positions.has(id), `position ${id} committed before the backup`).toBe(true);
  }, 120_000);
});
