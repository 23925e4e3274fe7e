import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { activeWorkers, beat, removeHeartbeat, SCHEMA_VERSION, type WorkerBeat } from '@verzek/db';
import { createLogger, loadConfig } from '@verzek/platform';
import { describeDb } from '@verzek/test-support';
import { describe, expect, it } from 'vitest';
import { createContext } from '../src/context';
import { startServer } from '../src/server';
import { olderWorkers, WORKER_STALE_MS } from '../src/workers/heartbeat';

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(r.stdout);
}

describe('olderWorkers', () => {
  const now = 1_000_000;
  const w = (owner: string, schema_version: number | null, last_seen = now): WorkerBeat => ({
    owner,
    role: 'worker',
    last_seen,
    schema_version,
  });

  it('holds a worker back for live peers of an older or unknown version only', () => {
    const beats = [
      w('me', 13),
      w('same', 13),
      w('newer', 14),
      w('older', 12),
      w('before-versions', null),
      w('crashed-older', 12, now - WORKER_STALE_MS - 1),
      w('just-live-older', 12, now - WORKER_STALE_MS),
      // This machine's worker that crashed (its process is gone) leaves a row that still looks live.
      w(`${os.hostname()}:${deadPid()}:abcdef`, 12),
    ];
    expect(olderWorkers(beats, 'me', now, 13).map((b) => b.owner)).toEqual([
      'older',
      'before-versions',
      'just-live-older',
    ]);
    expect(olderWorkers(beats, 'me', now, 12).map((b) => b.owner)).toEqual(['before-versions']);
  });
});

describeDb('a worker starting next to workers of an older version', (t) => {
  it('announces itself, waits without trading while they are live, and starts once they stop', async () => {
    const database = t.target.dialect === 'sqlite' ? `sqlite:${t.target.file}` : t.target.url;
    const config = loadConfig(
      {},
      {
        DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'verzek-versions-')),
        DATABASE_URL: database,
        MARKET_FEED: 'manual',
      },
    );
    const logs: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, cb) {
        logs.push(chunk.toString());
        cb();
      },
    });
    const ctx = await createContext(config, {
      role: 'worker',
      logger: createLogger({ level: 'info', destination }),
    });
    const now = ctx.clock.now();
    await beat(ctx.db, {
      owner: 'old:1',
      role: 'worker',
      startedAt: now,
      now,
      schemaVersion: SCHEMA_VERSION - 1,
    });

    let started = false;
    const starting = startServer(ctx, { olderWorkersPollMs: 20 });
    void starting.then(() => (started = true));
    const deadline = Date.now() + 10_000;
    while (!logs.some((l) => l.includes('workers of an older version are running'))) {
      if (Date.now() > deadline) throw new Error(`no wait reported; logs: ${logs.join('')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 100)); // several polls
    expect(started).toBe(false);
    expect(ctx.trading).toBeNull();
    // Announced before waiting: the old workers (and /health) see the new one.
    const live = await activeWorkers(ctx.db, 0);
    expect(live.map((b) => [b.role, b.schema_version]).sort()).toEqual([
      ['worker', SCHEMA_VERSION - 1],
      ['worker', SCHEMA_VERSION],
    ]);
    expect(logs.join('')).toContain(`old:1 (${SCHEMA_VERSION - 1})`);

    await removeHeartbeat(ctx.db, 'old:1'); // the old worker stops cleanly
    const server = await starting;
    try {
      expect(ctx.trading).not.toBeNull();
      expect(logs.join('')).toContain('the older workers stopped; starting');
    } finally {
      await server.stop();
    }
  });
});
