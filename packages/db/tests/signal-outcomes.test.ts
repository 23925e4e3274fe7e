import { describeDb } from '@verzek/test-support';
import { expect, it } from 'vitest';
import {
  findSignalOutcome,
  findTrackedOutcome,
  insertSignal,
  insertSignalOutcome,
  migrateToLatest,
  migrations,
  openSignalOutcomes,
  signalOutcomeFacts,
  signalsWithoutOutcome,
  updateSignalOutcome,
  type Db,
  type SignalOutcomeColumns,
} from '../src';
import { migrateBefore } from './migrate-before';

const pending: SignalOutcomeColumns = {
  status: 'PENDING',
  reason: null,
  entry_price: null,
  profit_pct: null,
  targets_hit: 0,
  state: '{"status":"PENDING"}',
  entered_at: null,
  closed_at: null,
};

async function source(db: Db, name: string): Promise<number> {
  const r = await db
    .insertInto('signal_sources')
    .values({
      name,
      kind: 'api',
      secret: null,
      token_hash: null,
      enabled: 1,
      settings: '{}',
      created_at: 1,
      updated_at: 1,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

async function addSignal(db: Db, sourceId: number, createdAt: number): Promise<number> {
  return insertSignal(db, {
    source_id: sourceId,
    source_message_id: null,
    symbol: 'BTCUSDT',
    direction: 'LONG',
    entry_type: 'single',
    entries: '["100"]',
    targets: '["110"]',
    stop_loss: '90',
    leverage: null,
    margin_mode: null,
    trade_type: 'FUTURES',
    confidence: null,
    duration: null,
    raw: '{}',
    status: 'OPEN',
    highest_tp: 0,
    created_by: null,
    created_at: createdAt,
    updated_at: createdAt,
    closed_at: null,
  });
}

describeDb(
  'signal outcomes: the migration',
  (t) => {
    it('marks the signals published before it UNTRACKED and leaves later ones to the tracker', async () => {
      await migrateBefore(t, '0011-signal-outcomes');
      const src = await source(t.db, 'old');
      const old = await addSignal(t.db, src, 1000);
      const result = await migrateToLatest(t.dbHandle);
      expect(result.applied).toEqual(
        migrations.slice(migrations.findIndex((m) => m.name === '0011-signal-outcomes')).map((m) => m.name),
      );
      expect(await findSignalOutcome(t.db, old)).toMatchObject({
        status: 'UNTRACKED',
        reason: 'before_tracking',
        created_at: 1000,
        version: 0,
      });
      const fresh = await addSignal(t.db, src, 2000);
      expect((await signalsWithoutOutcome(t.db, { limit: 10 })).map((s) => s.id)).toEqual([fresh]);
    });
  },
  { migrate: false },
);

describeDb('signal outcomes: the repository', (t) => {
  it('creates a row once and writes only over the version it read', async () => {
    const src = await source(t.db, 'alpha');
    const id = await addSignal(t.db, src, 5000);
    expect(await insertSignalOutcome(t.db, id, pending, 5000)).toBe(true);
    expect(await insertSignalOutcome(t.db, id, { ...pending, status: 'ACTIVE' }, 5001)).toBe(false);
    expect(await findTrackedOutcome(t.db, id)).toMatchObject({
      status: 'PENDING',
      version: 0,
      symbol: 'BTCUSDT',
      signal_status: 'OPEN',
      signal_closed_at: null,
    });
    const active = { ...pending, status: 'ACTIVE' as const, entry_price: '100', entered_at: 6000 };
    expect(await updateSignalOutcome(t.db, id, 0, active, 6000)).toBe(true);
    // a second worker that read version 0 loses
    expect(await updateSignalOutcome(t.db, id, 0, { ...pending }, 6001)).toBe(false);
    const win = {
      ...active,
      status: 'WIN' as const,
      reason: 'targets',
      profit_pct: '10',
      targets_hit: 1,
      closed_at: 7000,
    };
    expect(await updateSignalOutcome(t.db, id, 1, win, 7000)).toBe(true);
    const row = await findSignalOutcome(t.db, id);
    expect(row).toMatchObject({ status: 'WIN', version: 2, targets_hit: 1, updated_at: 7000 });
    expect(String(row?.profit_pct)).toBe('10');
    expect(String(row?.entry_price)).toBe('100');
    expect((await openSignalOutcomes(t.db)).map((r) => r.signal_id)).not.toContain(id);
  });

  it('lists facts by window and source, signals without a row included with a null status', async () => {
    const a = await source(t.db, 'facts-a');
    const b = await source(t.db, 'facts-b');
    const s1 = await addSignal(t.db, a, 10_000);
    const s2 = await addSignal(t.db, b, 20_000);
    await insertSignalOutcome(t.db, s1, { ...pending, status: 'LOSS', profit_pct: '-2.5' }, 10_000);
    const facts = await signalOutcomeFacts(t.db, { from: 10_000, to: 20_001 });
    expect(facts).toEqual([
      {
        signal_id: s1,
        source_id: a,
        source_name: 'facts-a',
        source_kind: 'api',
        status: 'LOSS',
        profit_pct: '-2.5',
      },
      {
        signal_id: s2,
        source_id: b,
        source_name: 'facts-b',
        source_kind: 'api',
        status: null,
        profit_pct: null,
      },
    ]);
    expect((await signalOutcomeFacts(t.db, { from: 10_000, to: 20_000 })).map((f) => f.signal_id)).toEqual([
      s1,
    ]);
    expect((await signalOutcomeFacts(t.db, { sourceId: b })).map((f) => f.signal_id)).toEqual([s2]);
    expect((await signalsWithoutOutcome(t.db, { afterId: s1, limit: 10 })).map((s) => s.id)).toEqual([s2]);
  });
});
