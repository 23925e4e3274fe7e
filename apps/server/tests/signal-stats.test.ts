import { describeDb } from '@verzek/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SignalOutcomeMonitor } from '../src/workers/signal-outcomes';
import { adminSession, registerUser, startTestServer, type Session, type TestServer } from './harness';
import { insertClosedPosition } from './stats-fixtures';

const H = 3_600_000;
const LADDER = { targets: [110, 120, 130], stop_loss: 90 };
const SHORT_LADDER = { targets: [90, 80], stop_loss: 110 };

/**
 * One signal of the fixture: what is posted, the prices the market then shows (one tick each), a
 * follow-up from the source if any, and the outcome worked out by hand from the rule in
 * docs/payments.md (equal shares per target, stop to breakeven after TP1, % at 1×).
 */
interface Case {
  key: string;
  source: 'alpha' | 'beta';
  body: Record<string, unknown>;
  /** The price before the signal is posted (the monitor's first look). */
  before: number;
  path: number[];
  followUp?: { kind: string; target?: number };
  expect: { status: string; reason: string | null; profit: string | null };
}

const long = (extra: Record<string, unknown> = {}) => ({
  direction: 'LONG',
  entry: 100,
  ...LADDER,
  ...extra,
});
const short = (extra: Record<string, unknown> = {}) => ({
  direction: 'SHORT',
  entry: 100,
  ...SHORT_LADDER,
  ...extra,
});

// A9 is posted first and expires 72 h later; every other signal is posted after that.
const EXPIRING: Case = {
  key: 'A9',
  source: 'alpha',
  body: long(),
  before: 105,
  path: [104, 101],
  expect: { status: 'EXPIRED', reason: 'entry_timeout', profit: null },
};

const CASES: Case[] = [
  // source alpha
  {
    key: 'A1',
    source: 'alpha',
    body: long(),
    before: 105,
    path: [100, 95, 90],
    expect: { status: 'LOSS', reason: 'stop', profit: '-10' },
  },
  {
    key: 'A2',
    source: 'alpha',
    body: long(),
    before: 105,
    path: [100, 111, 104, 100],
    expect: { status: 'WIN', reason: 'moved_stop', profit: '3.3333' },
  },
  {
    key: 'A3',
    source: 'alpha',
    body: long(),
    before: 105,
    path: [100, 135],
    expect: { status: 'WIN', reason: 'targets', profit: '20' },
  },
  {
    key: 'A4',
    source: 'alpha',
    body: short(),
    before: 95,
    path: [100, 110],
    expect: { status: 'LOSS', reason: 'stop', profit: '-10' },
  },
  {
    key: 'A5',
    source: 'alpha',
    body: short(),
    before: 95,
    path: [100, 79],
    expect: { status: 'WIN', reason: 'targets', profit: '15' },
  },
  {
    key: 'A6',
    source: 'alpha',
    body: { direction: 'LONG', entry: [100, 110], targets: [120, 130], stop_loss: 90 },
    before: 112,
    path: [108, 104, 120, 99],
    expect: { status: 'WIN', reason: 'moved_stop', profit: '5.814' }, // (120 − 107.5) / 107.5 / 2
  },
  {
    key: 'A7',
    source: 'alpha',
    body: { direction: 'LONG', targets: [110, 120], stop_loss: 95 }, // market entry: the price at publication
    before: 100,
    path: [121],
    expect: { status: 'WIN', reason: 'targets', profit: '15' },
  },
  {
    key: 'A8',
    source: 'alpha',
    body: long(),
    before: 105,
    path: [103],
    followUp: { kind: 'CANCELLED' },
    expect: { status: 'CANCELLED', reason: 'source_cancelled', profit: null },
  },
  {
    key: 'A10',
    source: 'alpha',
    body: long(),
    before: 105,
    path: [100, 105],
    expect: { status: 'ACTIVE', reason: null, profit: null },
  },
  {
    key: 'A11',
    source: 'alpha',
    body: long(),
    before: 105,
    path: [102],
    expect: { status: 'PENDING', reason: null, profit: null },
  },
  {
    key: 'A12',
    source: 'alpha',
    body: long(),
    before: 105,
    path: [100, 104],
    followUp: { kind: 'CLOSED' },
    expect: { status: 'WIN', reason: 'source_closed', profit: '4' },
  },
  // source beta
  {
    key: 'B1',
    source: 'beta',
    body: long(),
    before: 105,
    path: [100, 111, 121, 100],
    expect: { status: 'WIN', reason: 'moved_stop', profit: '10' },
  },
  {
    key: 'B2',
    source: 'beta',
    body: long(),
    before: 105,
    path: [100, 95, 90],
    expect: { status: 'LOSS', reason: 'stop', profit: '-10' },
  },
  {
    key: 'B3',
    source: 'beta',
    body: short({ targets: [90, 80, 70], stop_loss: 105 }),
    before: 95,
    path: [100, 105],
    expect: { status: 'LOSS', reason: 'stop', profit: '-5' },
  },
  {
    key: 'B4',
    source: 'beta',
    body: short({ targets: [90, 80, 70], stop_loss: 105 }),
    before: 95,
    path: [101, 89, 100],
    expect: { status: 'WIN', reason: 'moved_stop', profit: '3.3333' },
  },
  {
    key: 'B5',
    source: 'beta',
    body: { direction: 'LONG', entries: [100, 96], ...LADDER },
    before: 105,
    path: [99, 96, 110, 98],
    expect: { status: 'WIN', reason: 'moved_stop', profit: '4.0816' }, // (110 − 98) / 98 / 3
  },
  {
    key: 'B6',
    source: 'beta',
    body: { direction: 'LONG', targets: [110, 120], stop_loss: 95 }, // market entry already past TP1
    before: 112,
    path: [100, 121],
    expect: { status: 'EXPIRED', reason: 'missed', profit: null },
  },
  {
    key: 'B7',
    source: 'beta',
    body: short(),
    before: 95,
    path: [96],
    followUp: { kind: 'CANCELLED' },
    expect: { status: 'CANCELLED', reason: 'source_cancelled', profit: null },
  },
  {
    key: 'B8',
    source: 'beta',
    body: long(),
    before: 105,
    path: [100, 97],
    followUp: { kind: 'CANCELLED' },
    expect: { status: 'LOSS', reason: 'source_cancelled', profit: '-3' },
  },
  {
    key: 'B9',
    source: 'beta',
    body: long(),
    before: 105,
    path: [],
    expect: { status: 'PENDING', reason: null, profit: null },
  },
  // the source claims TP2; the market never got there: nothing changes
  {
    key: 'B10',
    source: 'beta',
    body: long(),
    before: 105,
    path: [100, 108],
    followUp: { kind: 'TP_HIT', target: 2 },
    expect: { status: 'ACTIVE', reason: null, profit: null },
  },
  // the source claims the stop; the market is above the entry: closed there, a win
  {
    key: 'B11',
    source: 'beta',
    body: long(),
    before: 105,
    path: [100, 102],
    followUp: { kind: 'SL_HIT' },
    expect: { status: 'WIN', reason: 'source_closed', profit: '2' },
  },
];

const figures = (f: {
  total: number;
  wins: number;
  losses: number;
  cancelled: number;
  expired: number;
  open: number;
  win_rate: string | null;
  average_profit: string | null;
  total_profit: string | null;
}) => ({
  total_signals: f.total,
  wins: f.wins,
  losses: f.losses,
  breakeven: 0,
  cancelled: f.cancelled,
  expired: f.expired,
  open: f.open,
  untracked: 0,
  win_rate: f.win_rate,
  average_profit: f.average_profit,
  total_profit: f.total_profit,
});

/*
 * The table, by hand:
 *   alpha: wins A2 3.3333, A3 20, A5 15, A6 5.814, A7 15, A12 4; losses A1 −10, A4 −10; A8 cancelled;
 *          A9 expired; A10, A11 open. Win rate 6/8 = 75. Sum 43.1473, average 43.1473/8 = 5.3934125.
 *   beta:  wins B1 10, B4 3.3333, B5 4.0816, B11 2; losses B2 −10, B3 −5, B8 −3; B7 cancelled; B6
 *          expired; B9, B10 open. Win rate 4/7 = 57.142857…. Sum 1.4149, average 0.2021285….
 *   all:   10 wins, 5 losses, win rate 66.6666…, sum 44.5622, average 2.9708133….
 */
const ALPHA = figures({
  total: 12,
  wins: 6,
  losses: 2,
  cancelled: 1,
  expired: 1,
  open: 2,
  win_rate: '75',
  average_profit: '5.3934',
  total_profit: '43.1473',
});
const BETA = figures({
  total: 11,
  wins: 4,
  losses: 3,
  cancelled: 1,
  expired: 1,
  open: 2,
  win_rate: '57.1429',
  average_profit: '0.2021',
  total_profit: '1.4149',
});
const ALL = figures({
  total: 23,
  wins: 10,
  losses: 5,
  cancelled: 2,
  expired: 2,
  open: 4,
  win_rate: '66.6667',
  average_profit: '2.9708',
  total_profit: '44.5622',
});

describeDb('admin signal statistics from what the market did', (t) => {
  let s: TestServer;
  let admin: Session;
  let user: Session;
  let monitors: SignalOutcomeMonitor[] = [];
  const ids = new Map<string, number>();
  const sourceIds = new Map<string, number>();
  const T0 = Date.UTC(2026, 10, 22, 12);

  const flush = async () => {
    for (const m of monitors) await m.flush();
  };
  const setPrice = async (key: string, price: number) => {
    const r = await s.api.post('/api/admin/market/price', { symbol: `${key}USDT`, price }, admin.token);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await flush();
  };
  /** Access tokens live an hour and the clock jumps days: log in again. */
  const relogin = async (who: Session) => {
    const r = await s.api.post<{ access_token: string }>('/api/auth/login', {
      email: who.email,
      password: who.password,
    });
    expect(r.status).toBe(200);
    who.token = r.body.access_token;
  };
  const play = async (c: Case, steps: 'post' | 'path' | 'all' = 'all') => {
    if (steps !== 'path') {
      await setPrice(c.key, c.before);
      const posted = await s.api.post<{ id: number }>(
        '/api/signals',
        { symbol: `${c.key}USDT`, ...c.body, source: c.source },
        admin.token,
      );
      expect(posted.status, JSON.stringify(posted.body)).toBe(201);
      ids.set(c.key, posted.body.id);
      await flush();
    }
    if (steps === 'post') return;
    for (const p of c.path) await setPrice(c.key, p);
    if (c.followUp) {
      const r = await s.api.post(
        '/api/signal-events',
        { signal_id: ids.get(c.key), ...c.followUp },
        admin.token,
      );
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      await flush();
    }
  };
  const outcome = (key: string) =>
    s.ctx.db
      .selectFrom('signal_outcomes')
      .selectAll()
      .where('signal_id', '=', ids.get(key)!)
      .executeTakeFirstOrThrow();
  const stats = (query = '', token = admin.token) =>
    s.api.get<Record<string, unknown> & { sources: Record<string, unknown>[] }>(
      `/api/admin/signal-stats${query}`,
      token,
    );

  beforeAll(async () => {
    s = await startTestServer(t);
    expect(s.clock.now()).toBe(T0);
    admin = await adminSession(s);
    user = await registerUser(s.api);
    for (const [name, kind] of [
      ['alpha', 'api'],
      ['beta', 'webhook'],
    ] as const) {
      const r = await s.api.post<{ id: number }>('/api/admin/sources', { name, kind }, admin.token);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      sourceIds.set(name, r.body.id);
    }
    // two workers watching the same market and database, as with two worker processes
    monitors = [
      new SignalOutcomeMonitor(s.ctx, { syncMs: 3_600_000 }),
      new SignalOutcomeMonitor(s.ctx, { syncMs: 3_600_000 }),
    ];
    for (const m of monitors) await m.start();
  });
  afterAll(async () => {
    for (const m of monitors) await m.stop();
    await s.close();
  });

  it('an entry never reached expires at the end of its 72-hour window', async () => {
    await play(EXPIRING);
    expect(await outcome('A9')).toMatchObject({ status: 'PENDING' });
    s.clock.advance(71 * H);
    for (const m of monitors) await m.sync();
    expect(await outcome('A9')).toMatchObject({ status: 'PENDING' });
    s.clock.advance(2 * H);
    for (const m of monitors) await m.sync();
    expect(await outcome('A9')).toMatchObject({
      status: 'EXPIRED',
      reason: 'entry_timeout',
      closed_at: T0 + 72 * H,
    });
    await relogin(admin);
    await relogin(user);
  });

  it('tracks 22 more signals of two sources through the API and the market feed', async () => {
    const restartBefore = new Set(['B1']);
    for (const c of CASES) await play(c, restartBefore.has(c.key) ? 'post' : 'all');
    // a worker restart: the state is read back from the database and tracking goes on
    for (const m of monitors) await m.stop();
    monitors = [new SignalOutcomeMonitor(s.ctx, { syncMs: 3_600_000 })];
    await monitors[0]!.start();
    for (const c of CASES.filter((x) => restartBefore.has(x.key))) await play(c, 'path');
    for (const m of monitors) await m.sync();

    for (const c of [EXPIRING, ...CASES]) {
      const row = await outcome(c.key);
      expect({
        key: c.key,
        status: row.status,
        reason: row.reason,
        profit: row.profit_pct === null ? null : String(row.profit_pct),
      }).toEqual({ key: c.key, ...c.expect, profit: c.expect.profit });
    }
    expect(await outcome('A6')).toMatchObject({ targets_hit: 1 });
    expect(String((await outcome('A6')).entry_price)).toBe('107.5');
    expect(await outcome('B10')).toMatchObject({ targets_hit: 0 }); // the claim of TP2 changed nothing
    // the open ones are still watched; the finished ones are not
    expect(monitors[0]!.trackedIds()).toEqual(
      ['A10', 'A11', 'B9', 'B10'].map((k) => ids.get(k)).sort((a, b) => a! - b!),
    );
  });

  it('matches the hand-computed table, overall and per source', async () => {
    const r = await stats();
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const { sources, from, to, source_id, generated_at, ...overall } = r.body;
    expect(overall).toEqual(ALL);
    expect({ from, to, source_id }).toEqual({ from: null, to: null, source_id: null });
    expect(generated_at).toBe(new Date(s.clock.now()).toISOString());
    expect(sources).toEqual([
      { source_id: sourceIds.get('alpha'), name: 'alpha', kind: 'api', ...ALPHA },
      { source_id: sourceIds.get('beta'), name: 'beta', kind: 'webhook', ...BETA },
    ]);
  });

  it('filters by source and by publication time', async () => {
    const beta = await stats(`?source_id=${sourceIds.get('beta')}`);
    expect(beta.status).toBe(200);
    expect(beta.body).toMatchObject({ ...BETA, source_id: sourceIds.get('beta') });
    expect(beta.body.sources).toHaveLength(1);
    // A9 was published on 2026-11-22, the others 73 hours later
    const first = await stats('?to=2026-11-22');
    expect(first.body).toMatchObject({
      total_signals: 1,
      expired: 1,
      win_rate: null,
      to: '2026-11-23T00:00:00.000Z',
    });
    const later = await stats('?from=2026-11-23&to=2026-11-26T00:00:00Z');
    expect(later.body).toMatchObject({ total_signals: 22, wins: 10, losses: 5, expired: 1 });
    const none = await stats('?from=2026-12-01');
    expect(none.body).toMatchObject({ total_signals: 0, win_rate: null, average_profit: null, sources: [] });
  });

  it('refuses bad filters with 4xx and non-admins with 401/403', async () => {
    for (const q of ['?from=yesterday', '?to=2026-13-01', '?source_id=abc', '?source_id=-1']) {
      const r = await stats(q);
      expect(r.status, q).toBe(400);
      expect(r.body).toMatchObject({ error: expect.any(String), reason: expect.any(String) });
    }
    for (const q of [
      '?from=2026-11-25&to=2026-11-24',
      '?from=2026-11-25T00:00:00Z&to=2026-11-25T00:00:00Z',
    ]) {
      const r = await stats(q);
      expect(r.status, q).toBe(400);
      expect(r.body).toMatchObject({ error: 'invalid_range' });
    }
    const missing = await stats('?source_id=999999');
    expect(missing.status).toBe(404);
    const forbidden = await stats('', user.token);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toMatchObject({ error: expect.any(String) });
    const anonymous = await s.api.get('/api/admin/signal-stats');
    expect(anonymous.status).toBe(401);
  });

  it('the overview counts signals sent, open positions and auto-traders', async () => {
    const at = s.clock.now();
    await insertClosedPosition(s.ctx.db, { userId: user.id, closedAt: at, pnl: '0', status: 'OPEN' });
    await insertClosedPosition(s.ctx.db, { userId: user.id, closedAt: at, pnl: '1', status: 'PARTIAL' });
    await insertClosedPosition(s.ctx.db, { userId: user.id, closedAt: at, pnl: '2' });
    const r = await s.api.get<Record<string, unknown>>('/api/admin/overview', admin.token);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ signals_sent: 23, open_positions: 2, active_auto_traders: 0 });
    expect((await s.api.get('/api/admin/overview', user.token)).status).toBe(403);
  });

  it('documents the route and its response in the OpenAPI description', async () => {
    const doc = await s.api.get<{ paths: Record<string, Record<string, Record<string, unknown>>> }>(
      '/docs/json',
    );
    const op = doc.body.paths['/api/admin/signal-stats']?.get;
    expect(op?.tags).toEqual(['admin']);
    const schema = JSON.stringify(op?.responses);
    for (const field of ['total_signals', 'wins', 'losses', 'win_rate', 'average_profit', 'sources']) {
      expect(schema).toContain(field);
    }
  });
});
