import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger, loadConfig } from '@verzek/platform';
import { postgresAvailable, TestDatabase } from '@verzek/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type AppContext } from '../src/context';
import type { LiveEvent } from '../src/events/bus';

// Cross-process live events exist only on PostgreSQL (SQLite is one process); without a reachable
// PostgreSQL this is skipped with the harness's visible warning (a failure under REQUIRE_POSTGRES=1).
describe.skipIf(!postgresAvailable)('live events between processes (PostgreSQL LISTEN/NOTIFY)', () => {
  const t = new TestDatabase('postgres');
  const contexts: AppContext[] = [];
  beforeAll(async () => {
    await t.setup();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verzek-relay-'));
    for (let i = 0; i < 2; i++) {
      const config = loadConfig(
        {},
        { DATA_DIR: dataDir, DATABASE_URL: (t.target as { url: string }).url, MARKET_FEED: 'manual' },
      );
      contexts.push(await createContext(config, { logger: createLogger({ level: 'silent' }) }));
    }
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await t.teardown();
  });

  it('delivers an event published in one process to the listeners of another, once, and nudges its workers', async () => {
    const [a, b] = contexts as [AppContext, AppContext];
    const seenA: LiveEvent[] = [];
    const seenB: LiveEvent[] = [];
    a.bus.subscribe((e) => seenA.push(e));
    b.bus.subscribe((e) => seenB.push(e));
    let kicks = 0;
    b.trading = { kick: () => (kicks += 1) } as unknown as AppContext['trading'];

    a.bus.publish({ type: 'position', audience: { userId: 7 }, data: { id: 1, status: 'OPEN' } });
    a.workQueued();
    await expect.poll(() => seenB.length, { timeout: 5000 }).toBe(1);
    await expect.poll(() => kicks, { timeout: 5000 }).toBe(1);
    expect(seenB[0]).toEqual({ type: 'position', audience: { userId: 7 }, data: { id: 1, status: 'OPEN' } });
    // The publisher's own listeners got it once (locally), not a second time through the database.
    await new Promise((r) => setTimeout(r, 200));
    expect(seenA).toHaveLength(1);
  });
});
