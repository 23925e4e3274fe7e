import type { PositionState } from '@verzek/core';
import { clientOrderId, type ManualFeed } from '@verzek/exchange';
import { describeDb } from '@verzek/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminSession, registerUser, startTestServer, type Session, type TestServer } from './harness';

interface PositionBody {
  id: number;
  user_id: number;
  signal_id: number | null;
  origin: string;
  symbol: string;
  direction: string;
  side: string;
  status: string;
  close_reason: string | null;
  close_note: string | null;
  leverage: number;
  qty: string;
  filled_qty: string;
  remaining_qty: string;
  avg_entry_price: string | null;
  stop_loss: string | null;
  realized_pnl_usdt: string;
  realized_pnl_pct: string | null;
  ladder: { n: number; target: string; status: string; qty: string | null }[];
  created_at: string;
  closed_at: string | null;
}

interface OrderBody {
  id: string;
  client_order_id: string;
  exchange_order_id: string | null;
  leg: string;
  role: string;
  kind: string;
  side: string;
  qty: string;
  price: string | null;
  stop_price: string | null;
  status: string;
  filled_qty: string;
  avg_fill_price: string | null;
  fee_usdt: string;
  cancelable: boolean;
  cancel_note: string;
}

interface PreviewBody {
  ok: boolean;
  reasons: string[];
  qty: string | null;
  notional_usdt: string | null;
  margin_usdt: string | null;
  entry_fee_usdt: string | null;
  risk_usdt: string | null;
  risk_pct_of_capital: string | null;
  leverage: number;
  entry_price: string;
  price_source: string;
  targets: {
    n: number;
    price: string;
    qty: string;
    pnl_usdt: string;
    pnl_pct: string;
    cumulative_pnl_usdt: string;
  }[];
  pnl_all_targets_usdt: string | null;
  risk: { allowed: boolean; code: string; reason: string };
  execute: { allowed: boolean; error: string | null };
  market: { lot_size: string; tick_size: string };
}

const BTC = {
  symbol: 'BTC/USDT',
  side: 'BUY',
  entry: 70000,
  sl: 69500,
  tp: [70500, 71000, 72000],
  leverage: 10,
};

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describeDb('trading routes', (t) => {
  let s: TestServer;
  let admin: Session;
  let trader: Session;
  let other: Session;
  let trial: Session;
  let unverified: Session;
  let autoOff: Session;

  const state = async (positionId: number) => {
    const row = await s.ctx.db
      .selectFrom('positions')
      .select('state')
      .where('id', '=', positionId)
      .executeTakeFirstOrThrow();
    return JSON.parse(row.state) as PositionState;
  };
  const positionCount = async () => (await s.ctx.db.selectFrom('positions').select('id').execute()).length;
  const setPrice = async (price: number | string, symbol = 'BTCUSDT') => {
    const r = await s.api.post('/api/admin/market/price', { symbol, price }, admin.token);
    expect(r.status).toBe(200);
  };
  const makePremium = async (u: Session, opts: { verify?: boolean; autoTrade?: boolean } = {}) => {
    expect(
      (await s.api.put(`/api/users/${u.id}/subscription`, { plan: 'PREMIUM' }, admin.token)).status,
    ).toBe(200);
    if (opts.verify !== false) {
      expect((await s.api.post(`/api/admin/users/${u.id}/verify-email`, undefined, admin.token)).status).toBe(
        200,
      );
    }
    const strategy = await s.api.put(
      `/api/users/${u.id}/strategy`,
      {
        auto_trade_enabled: opts.autoTrade !== false && opts.verify !== false,
        per_trade_usdt: '100',
        capital_usdt: '10000',
      },
      u.token,
    );
    expect(strategy.status, JSON.stringify(strategy.body)).toBe(200);
    const risk = await s.api.put(
      `/api/users/${u.id}/risk`,
      { max_open_trades: 50, per_symbol_limit: 50, max_daily_trades: 200, cooldown_minutes_after_loss: 0 },
      u.token,
    );
    expect(risk.status, JSON.stringify(risk.body)).toBe(200);
  };
  const execute = (body: Record<string, unknown>, token = trader.token) =>
    s.api.post<{ message: string; replayed: boolean; position: PositionBody }>(
      '/api/trade/execute',
      { ...body, confirm: true },
      token,
    );
  /** Waits until the position is OPEN with its whole ladder and stop live on the venue. */
  const ladderLive = (positionId: number, tps = 3) =>
    until(`ladder of position ${positionId}`, async () => {
      const st = await state(positionId);
      const live = st.orders.filter((o) => o.status === 'NEW');
      return st.status === 'OPEN' &&
        live.filter((o) => o.role === 'tp').length === tps &&
        live.some((o) => o.role === 'stop')
        ? st
        : null;
    });
  const ended = (positionId: number) =>
    until(`position ${positionId} ended`, async () => {
      const st = await state(positionId);
      return st.status === 'CLOSED' || st.status === 'CANCELED' ? st : null;
    });

  beforeAll(async () => {
    s = await startTestServer(t, { trading: true });
    admin = await adminSession(s);
    trader = await registerUser(s.api);
    other = await registerUser(s.api);
    trial = await registerUser(s.api);
    unverified = await registerUser(s.api);
    autoOff = await registerUser(s.api);
    await makePremium(trader);
    await makePremium(other);
    await makePremium(unverified, { verify: false });
    await makePremium(autoOff, { autoTrade: false });
    await setPrice(70000);
    await setPrice(3500, 'ETHUSDT');
  });
  afterAll(() => s.close());

  describe('preview', () => {
    it('sizes the trade, prices each TP and the stop, and asks the risk engine (hand-computed)', async () => {
      const before = await positionCount();
      const r = await s.api.post<PreviewBody>('/api/trade/preview', BTC, trader.token);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      const p = r.body;
      expect(p.ok).toBe(true);
      expect(p.reasons).toEqual([]);
      // 100 USDT × 10 / 70000 = 0.0142857… → lot 0.001 → 0.014
      expect(p).toMatchObject({
        leverage: 10,
        entry_price: '70000',
        price_source: 'market',
        qty: '0.014',
        notional_usdt: '980', // 0.014 × 70000
        margin_usdt: '98', // 980 / 10
        entry_fee_usdt: '0.49', // 980 × 0.0005 taker
        // 0.014 × 500 at the stop + 0.49 entry fee + 0.014 × 69500 × 0.0005 exit fee = 7.9765
        risk_usdt: '7.9765',
        risk_pct_of_capital: '0.0798', // 7.9765 / 10000 capital
      });
      // Equal split on the lot: 0.004, 0.004, the last takes the rest (0.006). Each TP pays its share of
      // the entry fee (taker 0.05%) and its own maker fee (0.02%).
      expect(p.targets.map((x) => [x.price, x.qty, x.pnl_usdt, x.cumulative_pnl_usdt])).toEqual([
        ['70500', '0.004', '1.8036', '1.8036'], // 500×0.004 − 280×0.0005 − 282×0.0002
        ['71000', '0.004', '3.8032', '5.6068'], // 1000×0.004 − 0.14 − 284×0.0002
        ['72000', '0.006', '11.7036', '17.3104'], // 2000×0.006 − 0.21 − 432×0.0002
      ]);
      expect(p.targets[0]!.pnl_pct).toBe('6.4414'); // 1.8036 on 28 USDT of margin
      expect(p.pnl_all_targets_usdt).toBe('17.3104');
      expect(p.risk).toMatchObject({ allowed: true, code: 'ok' });
      expect(p.execute).toEqual({ allowed: true, error: null, reason: null });
      expect(p.market).toMatchObject({ lot_size: '0.001', tick_size: '0.1' });
      expect(await positionCount()).toBe(before);
    });

    it('uses the given entry when the feed has no price yet, and says so', async () => {
      const r = await s.api.post<PreviewBody>(
        '/api/trade/preview',
        { symbol: 'BNBUSDT', direction: 'LONG', entry: 600, stop_loss: 590, targets: [610], leverage: 5 },
        trader.token,
      );
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body).toMatchObject({ price_source: 'entry', entry_price: '600', qty: '0.83' }); // 500 / 600 → lot 0.01
    });

    it('shows the risk block while the kill switch is on, and execute answers 409 with its reason', async () => {
      expect((await s.api.post('/api/safety/toggle', { kill_switch: true }, admin.token)).status).toBe(200);
      try {
        const before = await positionCount();
        const r = await s.api.post<PreviewBody>('/api/trade/preview', BTC, trader.token);
        expect(r.status).toBe(200);
        expect(r.body.ok).toBe(false);
        expect(r.body.risk).toMatchObject({ allowed: false, code: 'kill_switch' });
        expect(r.body.reasons.join(' ')).toMatch(/kill switch/i);
        expect(r.body.qty).toBe('0.014');

        const x = await execute(BTC);
        expect(x.status).toBe(409);
        expect(x.body).toMatchObject({ error: 'kill_switch' });
        expect((x.body as unknown as { reason: string }).reason).toMatch(/kill switch/i);
        expect(await positionCount()).toBe(before);
        const events = await s.ctx.db
          .selectFrom('risk_events')
          .selectAll()
          .where('user_id', '=', trader.id)
          .execute();
        expect(events.map((e) => [e.code, e.signal_id])).toEqual([['kill_switch', null]]);
      } finally {
        await s.api.post('/api/safety/toggle', { kill_switch: false }, admin.token);
      }
    });

    it('tells a TRIAL user that executing needs PREMIUM', async () => {
      const r = await s.api.post<PreviewBody>('/api/trade/preview', BTC, trial.token);
      expect(r.status).toBe(200);
      expect(r.body.execute).toMatchObject({ allowed: false, error: 'upgrade_required' });
    });
  });

  describe('execute', () => {
    let positionId = 0;

    it('opens a manual position with its TP ladder and stop on paper', async () => {
      const r = await execute(BTC);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.replayed).toBe(false);
      const p = r.body.position;
      expect(p).toMatchObject({
        user_id: trader.id,
        signal_id: null,
        origin: 'manual',
        symbol: 'BTCUSDT',
        direction: 'LONG',
        side: 'BUY',
        leverage: 10,
        qty: '0.014',
        stop_loss: '69500',
      });
      expect(['PENDING', 'OPEN']).toContain(p.status);
      positionId = p.id;
      const st = await ladderLive(positionId);
      expect(st.entry_filled_qty).toBe('0.014');
      expect(st.orders.filter((o) => o.role === 'tp').map((o) => [o.price, o.qty, o.reduce_only])).toEqual([
        ['70500', '0.004', true],
        ['71000', '0.004', true],
        ['72000', '0.006', true],
      ]);
      const stop = st.orders.find((o) => o.role === 'stop')!;
      expect([stop.kind, stop.stop_price, stop.qty, stop.reduce_only]).toEqual([
        'STOP_MARKET',
        '69500',
        '0.014',
        true,
      ]);
      const row = await s.ctx.db
        .selectFrom('positions')
        .select(['order_key', 'signal_id'])
        .where('id', '=', positionId)
        .executeTakeFirstOrThrow();
      expect(row.order_key).toMatch(/^m[0-9a-f]{32}$/);
      // The leverage was set on the venue before the entry.
      const account = await s.ctx.db
        .selectFrom('paper_accounts')
        .innerJoin('exchange_accounts', 'exchange_accounts.id', 'paper_accounts.account_id')
        .select('paper_accounts.leverage')
        .where('exchange_accounts.user_id', '=', trader.id)
        .executeTakeFirstOrThrow();
      expect(JSON.parse(account.leverage)).toMatchObject({ BTCUSDT: 10 });

      const view = await s.api.get<{ items: PositionBody[] }>('/api/positions', trader.token);
      const listed = view.body.items.find((x) => x.id === positionId)!;
      expect(listed).toMatchObject({ status: 'OPEN', filled_qty: '0.014', remaining_qty: '0.014' });
      expect(listed.ladder.map((l) => [l.n, l.target, l.status, l.qty])).toEqual([
        [1, '70500', 'pending', '0.004'],
        [2, '71000', 'pending', '0.004'],
        [3, '72000', 'pending', '0.006'],
      ]);
    });

    it('lists the orders of the position with client and exchange ids; TPs and the stop cannot be cancelled', async () => {
      const r = await s.api.get<{ position: PositionBody; orders: OrderBody[] }>(
        `/api/orders/${positionId}`,
        trader.token,
      );
      expect(r.status).toBe(200);
      const row = await s.ctx.db
        .selectFrom('positions')
        .select('order_key')
        .where('id', '=', positionId)
        .executeTakeFirstOrThrow();
      const byLeg = new Map(r.body.orders.map((o) => [o.leg, o]));
      expect([...byLeg.keys()].sort()).toEqual(['entry', 'sl', 'tp-1', 'tp-2', 'tp-3']);
      for (const o of r.body.orders) {
        expect(o.client_order_id).toBe(clientOrderId(row.order_key, o.leg));
        expect(o.id).toBe(o.client_order_id);
        expect(o.exchange_order_id).not.toBeNull();
      }
      expect(byLeg.get('entry')).toMatchObject({
        role: 'entry',
        kind: 'MARKET',
        side: 'BUY',
        qty: '0.014',
        status: 'FILLED',
        filled_qty: '0.014',
        avg_fill_price: '70014', // 70000 + 2 bps slippage
        cancelable: false,
      });
      expect(Number(byLeg.get('entry')!.fee_usdt)).toBeCloseTo(0.014 * 70014 * 0.0005, 8);
      expect(byLeg.get('tp-1')).toMatchObject({
        role: 'tp',
        kind: 'LIMIT',
        side: 'SELL',
        price: '70500',
        status: 'NEW',
      });
      expect(byLeg.get('sl')).toMatchObject({ role: 'stop', kind: 'STOP_MARKET', stop_price: '69500' });

      const stop = await s.api.post(`/api/orders/${byLeg.get('sl')!.id}/cancel`, undefined, trader.token);
      expect(stop.status).toBe(409);
      expect(stop.body).toMatchObject({ error: 'order_protected' });
      expect((stop.body as { reason: string }).reason).toMatch(/never be left without its stop/);
      const tp = await s.api.post(`/api/orders/${byLeg.get('tp-2')!.id}/cancel`, undefined, trader.token);
      expect(tp.status).toBe(409);
      expect(tp.body).toMatchObject({ error: 'order_protected' });
      const entry = await s.api.post(`/api/orders/${byLeg.get('entry')!.id}/cancel`, undefined, trader.token);
      expect(entry.status).toBe(409);
      expect(entry.body).toMatchObject({ error: 'order_not_open' });
      // Nothing changed on the book.
      expect((await state(positionId)).orders.filter((o) => o.status === 'NEW')).toHaveLength(4);
      // Another user can neither see nor cancel them.
      expect((await s.api.get(`/api/orders/${positionId}`, other.token)).status).toBe(403);
      expect(
        (await s.api.post(`/api/orders/${byLeg.get('tp-1')!.id}/cancel`, undefined, other.token)).status,
      ).toBe(403);
      expect((await s.api.get(`/api/orders/${positionId}`, admin.token)).status).toBe(200);
      expect((await s.api.get('/api/orders/999999', trader.token)).status).toBe(404);
      expect(
        (await s.api.post(`/api/orders/vz${'a'.repeat(30)}/cancel`, undefined, trader.token)).status,
      ).toBe(404);
    });

    it('closes the position at market with its PnL; another user gets 403; a second close is 409', async () => {
      expect(
        (await s.api.post(`/api/positions/${positionId}/close`, { reason: 'not mine' }, other.token)).status,
      ).toBe(403);
      expect((await s.api.post('/api/trade/close', { position_id: positionId }, other.token)).status).toBe(
        403,
      );
      await setPrice(70300);
      const r = await s.api.post<{ message: string; position: PositionBody }>(
        `/api/positions/${positionId}/close`,
        { reason: 'taking profit' },
        trader.token,
      );
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      expect(r.body.position.id).toBe(positionId);
      const st = await ended(positionId);
      expect(st.status).toBe('CLOSED');
      expect(st.close_reason).toBe('manual');
      expect(st.close_note).toBe('taking profit');
      expect(st.remaining_qty).toBe('0');
      // Bought at 70014, sold at 70300 − 2 bps = 70285.9; minus taker fees on both sides.
      const pnl = 0.014 * (70285.9 - 70014) - 0.014 * 70014 * 0.0005 - 0.014 * 70285.9 * 0.0005;
      expect(Number(st.realized_pnl_usdt)).toBeCloseTo(pnl, 6);
      const again = await s.api.post(`/api/positions/${positionId}/close`, undefined, trader.token);
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ error: 'position_closed' });
      const viaTrade = await s.api.post('/api/trade/close', { position_id: positionId }, trader.token);
      expect(viaTrade.status).toBe(409);
      const listed = await s.api.get<{ items: PositionBody[] }>('/api/positions?status=ended', trader.token);
      expect(listed.body.items.find((x) => x.id === positionId)).toMatchObject({
        status: 'CLOSED',
        close_reason: 'manual',
        realized_pnl_usdt: st.realized_pnl_usdt,
      });
    });

    it('returns the same position when a request is retried with its request_id', async () => {
      await setPrice(70000);
      const body = { ...BTC, request_id: 'app-123' };
      const first = await execute(body);
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      const second = await execute(body);
      expect(second.status).toBe(200);
      expect(second.body).toMatchObject({ replayed: true, position: { id: first.body.position.id } });
      // Another user's identical request id is their own.
      const theirs = await execute(body, other.token);
      expect(theirs.status).toBe(201);
      expect(theirs.body.position.id).not.toBe(first.body.position.id);
      await ladderLive(first.body.position.id);
      await ladderLive(theirs.body.position.id);
      // An admin may close anyone's position.
      const byAdmin = await s.api.post(
        '/api/trade/close',
        { position_id: theirs.body.position.id },
        admin.token,
      );
      expect(byAdmin.status).toBe(202);
      const closeOwn = await s.api.post(
        '/api/trade/close',
        { position_id: first.body.position.id, reason: 'done' },
        trader.token,
      );
      expect(closeOwn.status).toBe(202);
      expect((await ended(theirs.body.position.id)).status).toBe('CLOSED');
      expect((await ended(first.body.position.id)).close_note).toBe('done');
    });

    it('cancels a pending limit position through its unfilled entry order', async () => {
      const r = await execute({ ...BTC, mode: 'limit', entry: 69000, sl: 68500, tp: [69500, 70500] });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      const id = r.body.position.id;
      await until('entry resting', async () => {
        const st = await state(id);
        return st.orders.find((o) => o.leg === 'entry')?.status === 'NEW' ? st : null;
      });
      const orders = await s.api.get<{ orders: OrderBody[] }>(`/api/orders/${id}`, trader.token);
      const entry = orders.body.orders.find((o) => o.leg === 'entry')!;
      expect(entry).toMatchObject({ kind: 'LIMIT', price: '69000', status: 'NEW', cancelable: true });
      expect((await s.api.post(`/api/orders/${entry.id}/cancel`, undefined, other.token)).status).toBe(403);
      const c = await s.api.post<{ position: PositionBody }>(
        `/api/orders/${entry.id}/cancel`,
        undefined,
        trader.token,
      );
      expect(c.status, JSON.stringify(c.body)).toBe(202);
      const st = await ended(id);
      expect(st.status).toBe('CANCELED');
      expect(st.close_reason).toBe('manual');
      expect(st.entry_filled_qty).toBe('0');
      const again = await s.api.post(`/api/orders/${entry.id}/cancel`, undefined, trader.token);
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ error: 'order_not_open' });
    });

    it('refuses users who may not trade: TRIAL (upgrade_required), unverified, auto-trading off', async () => {
      const before = await positionCount();
      const t1 = await execute(BTC, trial.token);
      expect(t1.status).toBe(403);
      expect(t1.body).toMatchObject({ error: 'upgrade_required' });
      const t2 = await execute(BTC, unverified.token);
      expect(t2.status).toBe(403);
      expect(t2.body).toMatchObject({ error: 'email_unverified' });
      const t3 = await execute(BTC, autoOff.token);
      expect(t3.status).toBe(403);
      expect(t3.body).toMatchObject({ error: 'auto_trade_disabled' });
      // The plan check comes before the body is even read.
      const t4 = await s.api.post('/api/trade/execute', { nonsense: true }, trial.token);
      expect(t4.status).toBe(403);
      const t5 = await s.api.post(
        '/api/trade/market',
        { symbol: 'BTCUSDT', side: 'BUY', sl_pct: 1 },
        trial.token,
      );
      expect(t5.status).toBe(403);
      expect(await positionCount()).toBe(before);
    });
  });

  describe('market entries', () => {
    it('sizes by usdt margin and sets stop and targets as % from the market price', async () => {
      const r = await s.api.post<{ position: PositionBody }>(
        '/api/trade/market',
        { symbol: 'ETHUSDT', side: 'SELL', usdt: 50, leverage: 10, sl_pct: 1, tp_pct: [1, 2] },
        trader.token,
      );
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      const p = r.body.position;
      // 50 × 10 / 3500 = 0.142857… → lot 0.001
      expect(p).toMatchObject({ direction: 'SHORT', qty: '0.142', stop_loss: '3535' });
      expect(p.ladder.map((l) => l.target)).toEqual(['3465', '3430']);
      const st = await ladderLive(p.id, 2);
      expect(st.orders.find((o) => o.role === 'stop')).toMatchObject({ stop_price: '3535', side: 'BUY' });
      expect((await s.api.post(`/api/positions/${p.id}/close`, undefined, trader.token)).status).toBe(202);
      await ended(p.id);
    });

    it('sizes by qty exactly, and needs a stop', async () => {
      const r = await s.api.post<{ position: PositionBody }>(
        '/api/trade/market',
        { symbol: 'ETHUSDT', direction: 'LONG', qty: '0.0509', sl: 3400 },
        trader.token,
      );
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.position).toMatchObject({ qty: '0.05', leverage: 5 }); // floored to the lot; default leverage 5
      await until('filled', async () => ((await state(r.body.position.id)).status === 'OPEN' ? true : null));
      expect(
        (await s.api.post(`/api/positions/${r.body.position.id}/close`, undefined, trader.token)).status,
      ).toBe(202);
      await ended(r.body.position.id);
      const noStop = await s.api.post(
        '/api/trade/market',
        { symbol: 'ETHUSDT', side: 'BUY', qty: 1 },
        trader.token,
      );
      expect(noStop.status).toBe(400);
      expect((noStop.body as { reason: string }).reason).toMatch(/stop loss is required/);
      const tooSmall = await s.api.post(
        '/api/trade/market',
        { symbol: 'ETHUSDT', side: 'BUY', qty: '0.0001', sl: 3400 },
        trader.token,
      );
      expect(tooSmall.status).toBe(409);
      expect(tooSmall.body).toMatchObject({ error: 'below_min_qty' });
      expect((tooSmall.body as { reason: string }).reason).toMatch(/^qty 0\.0001: Quantity rounds down to 0/);
      const preview = await s.api.post<PreviewBody>(
        '/api/trade/preview',
        { symbol: 'ETHUSDT', side: 'BUY', qty: '0.0001', sl: 3400 },
        trader.token,
      );
      expect(preview.status).toBe(200);
      expect(preview.body.ok).toBe(false);
      expect(preview.body.reasons).toEqual([(tooSmall.body as { reason: string }).reason]);
    });
  });

  describe('positions and history', () => {
    it('shows each user their own positions; admins see everyone’s and can filter', async () => {
      const mine = await s.api.get<{ items: PositionBody[] }>('/api/positions?status=all', trader.token);
      expect(mine.status).toBe(200);
      expect(mine.body.items.length).toBeGreaterThan(0);
      expect(mine.body.items.every((p) => p.user_id === trader.id)).toBe(true);
      const theirs = await s.api.get<{ items: PositionBody[] }>('/api/positions?status=all', other.token);
      expect(theirs.body.items.every((p) => p.user_id === other.id)).toBe(true);
      expect((await s.api.get(`/api/positions?user_id=${trader.id}`, other.token)).status).toBe(403);
      expect((await s.api.get(`/api/positions/${trader.id}`, other.token)).status).toBe(403);
      const self = await s.api.get<{ items: PositionBody[] }>(
        `/api/positions/${trader.id}?status=all`,
        trader.token,
      );
      expect(self.body.items.map((p) => p.id)).toEqual(mine.body.items.map((p) => p.id));

      const all = await s.api.get<{ items: PositionBody[] }>(
        '/api/positions?status=all&limit=100',
        admin.token,
      );
      const users = new Set(all.body.items.map((p) => p.user_id));
      expect(users.has(trader.id) && users.has(other.id)).toBe(true);
      const filtered = await s.api.get<{ items: PositionBody[] }>(
        `/api/positions?status=CLOSED&user_id=${other.id}`,
        admin.token,
      );
      expect(filtered.body.items.length).toBeGreaterThan(0);
      expect(filtered.body.items.every((p) => p.user_id === other.id && p.status === 'CLOSED')).toBe(true);
      expect((await s.api.get(`/api/positions/${other.id}?status=all`, admin.token)).status).toBe(200);
      expect((await s.api.get('/api/positions/999999', admin.token)).status).toBe(404);
      // Live only by default: everything of the trader has ended by now.
      const live = await s.api.get<{ items: PositionBody[] }>('/api/positions', trader.token);
      expect(live.body.items).toEqual([]);
      // Pages.
      const page = await s.api.get<{ items: PositionBody[]; next_before: number | null }>(
        '/api/positions?status=all&limit=2',
        trader.token,
      );
      expect(page.body.items).toHaveLength(2);
      const next = await s.api.get<{ items: PositionBody[] }>(
        `/api/positions?status=all&limit=2&before=${page.body.next_before}`,
        trader.token,
      );
      expect(next.body.items[0]!.id).toBeLessThan(page.body.items[1]!.id);
    });

    it('returns the ended positions of the window with the day’s aggregates', async () => {
      const r = await s.api.get<{
        days: number;
        items: PositionBody[];
        daily: {
          day: string;
          trades: number;
          wins: number;
          losses: number;
          realized_usdt: string;
          net_pct: string | null;
          max_drawdown_pct: string | null;
        }[];
        totals: { trades: number; wins: number; losses: number; realized_usdt: string };
      }>('/api/positions/history?days=30', trader.token);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.daily).toHaveLength(30);
      expect(r.body.daily[0]!.day).toBe('2026-10-24');
      const today = r.body.daily[29]!;
      expect(today.day).toBe('2026-11-22');
      const closed = await s.ctx.db
        .selectFrom('positions')
        .select(['realized_pnl_usdt'])
        .where('user_id', '=', trader.id)
        .where('status', '=', 'CLOSED')
        .execute();
      const pnls = closed.map((c) => Number(c.realized_pnl_usdt));
      expect(today.trades).toBe(closed.length);
      expect(today.wins).toBe(pnls.filter((x) => x > 0).length);
      expect(today.losses).toBe(pnls.filter((x) => x < 0).length);
      const sum = pnls.reduce((a, b) => a + b, 0);
      expect(Number(today.realized_usdt)).toBeCloseTo(sum, 6);
      expect(Number(today.net_pct)).toBeCloseTo((sum / 10000) * 100, 3);
      expect(today.max_drawdown_pct).not.toBeNull();
      expect(r.body.daily.slice(0, 29).every((d) => d.trades === 0)).toBe(true);
      expect(r.body.totals).toMatchObject({ trades: closed.length, wins: today.wins, losses: today.losses });
      // Closed and cancelled positions are listed, only the closed ones count as trades.
      const statuses = new Set(r.body.items.map((p) => p.status));
      expect(statuses).toEqual(new Set(['CLOSED', 'CANCELED']));
      expect(r.body.items.filter((p) => p.status === 'CLOSED')).toHaveLength(closed.length);

      expect((await s.api.get(`/api/positions/history?user_id=${trader.id}`, other.token)).status).toBe(403);
      const asAdmin = await s.api.get<{ user_id: number; totals: { trades: number } }>(
        `/api/positions/history?user_id=${trader.id}&days=1`,
        admin.token,
      );
      expect(asAdmin.status).toBe(200);
      expect(asAdmin.body).toMatchObject({ user_id: trader.id, totals: { trades: closed.length } });
    });
  });

  describe('authorization and bad input', () => {
    it('answers 401 to anonymous callers on every route', async () => {
      const calls: [string, string][] = [
        ['POST', '/api/trade/preview'],
        ['POST', '/api/trade/execute'],
        ['POST', '/api/trade/market'],
        ['POST', '/api/trade/close'],
        ['POST', '/api/positions/1/close'],
        ['GET', '/api/positions'],
        ['GET', '/api/positions/1'],
        ['GET', '/api/positions/history'],
        ['GET', '/api/orders/1'],
        ['POST', '/api/orders/abc/cancel'],
      ];
      for (const [method, url] of calls) {
        const r = await s.api.request(method as 'GET' | 'POST', url, method === 'POST' ? { body: {} } : {});
        expect(r.status, `${method} ${url}`).toBe(401);
        expect(r.body).toMatchObject({ error: 'unauthorized' });
      }
    });

    it('refuses malformed and inconsistent bodies with 400 and changes nothing', async () => {
      const before = await positionCount();
      const bad: [string, Record<string, unknown>, string][] = [
        ['stop above a LONG entry', { ...BTC, sl: 70500 }, 'invalid_trade'],
        ['targets below a LONG entry', { ...BTC, tp: [69900] }, 'invalid_trade'],
        ['targets out of order', { ...BTC, tp: [71000, 70500] }, 'invalid_trade'],
        ['no stop', { symbol: 'BTCUSDT', side: 'BUY', tp: [71000] }, 'validation_failed'],
        ['no direction', { symbol: 'BTCUSDT', sl: 69000 }, 'validation_failed'],
        ['bad side', { ...BTC, side: 'UP' }, 'validation_failed'],
        ['side and direction disagree', { ...BTC, direction: 'SHORT' }, 'validation_failed'],
        ['two stops', { ...BTC, sl_pct: 1 }, 'validation_failed'],
        ['bad symbol', { ...BTC, symbol: '$$$' }, 'validation_failed'],
        ['leverage 0', { ...BTC, leverage: 0 }, 'validation_failed'],
        ['leverage 1.5', { ...BTC, leverage: 1.5 }, 'validation_failed'],
        ['negative entry', { ...BTC, entry: -1 }, 'validation_failed'],
        ['price as words', { ...BTC, sl: 'cheap' }, 'validation_failed'],
        ['11 targets', { ...BTC, tp: Array.from({ length: 11 }, (_, i) => 71000 + i) }, 'validation_failed'],
        ['unknown field', { ...BTC, colour: 'red' }, 'validation_failed'],
        ['limit without entry', { ...BTC, entry: undefined, mode: 'limit' }, 'validation_failed'],
        ['qty and usdt', { ...BTC, qty: 1, usdt: 10 }, 'validation_failed'],
      ];
      for (const [what, body, error] of bad) {
        const p = await s.api.post('/api/trade/preview', body, trader.token);
        expect(p.status, `preview: ${what} ${JSON.stringify(p.body)}`).toBe(400);
        expect(p.body, what).toMatchObject({ error });
        const x = await execute(body);
        expect(x.status, `execute: ${what}`).toBe(400);
      }
      const noConfirm = await s.api.post('/api/trade/execute', BTC, trader.token);
      expect(noConfirm.status).toBe(400);
      expect((noConfirm.body as { reason: string }).reason).toMatch(/confirm/);
      expect((await s.api.post('/api/trade/execute', { ...BTC, confirm: false }, trader.token)).status).toBe(
        400,
      );
      const notJson = await s.api.request('POST', '/api/trade/preview', {
        rawBody: '{"symbol":',
        token: trader.token,
      });
      expect(notJson.status).toBe(400);
      const noPrice = await s.api.post(
        '/api/trade/execute',
        { ...BTC, symbol: 'ZZZUSDT', confirm: true },
        trader.token,
      );
      expect(noPrice.status).toBe(409);
      expect(noPrice.body).toMatchObject({ error: 'no_price' });
      // Even a limit entry: the venue can't take an order on a market it has no price for.
      const noPriceLimit = await execute({ ...BTC, symbol: 'ZZZUSDT', mode: 'limit' });
      expect(noPriceLimit.status).toBe(409);
      expect(noPriceLimit.body).toMatchObject({ error: 'no_price' });

      for (const [method, url, body] of [
        ['POST', '/api/trade/close', {}],
        ['POST', '/api/trade/close', { position_id: 'x' }],
        ['POST', '/api/positions/abc/close', undefined],
        ['POST', '/api/positions/1/close', { reason: '' }],
        ['GET', '/api/positions?status=SOMETIMES', undefined],
        ['GET', '/api/positions?limit=0', undefined],
        ['GET', '/api/positions/history?days=0', undefined],
        ['GET', '/api/positions/history?days=1000', undefined],
        ['GET', '/api/orders/abc', undefined],
      ] as const) {
        const r = await s.api.request(method, url, { body, token: trader.token });
        expect(r.status, `${method} ${url}`).toBe(400);
        expect(r.body).toHaveProperty('error');
      }
      expect((await s.api.post('/api/positions/999999/close', undefined, trader.token)).status).toBe(404);
      expect((await s.api.post('/api/trade/close', { position_id: 999999 }, trader.token)).status).toBe(404);
      expect(await positionCount()).toBe(before);
    });

    it('documents every route in the OpenAPI schema', async () => {
      const r = await s.api.get<{ paths: Record<string, unknown> }>('/docs/json');
      expect(r.status).toBe(200);
      for (const path of [
        '/api/trade/preview',
        '/api/trade/execute',
        '/api/trade/market',
        '/api/trade/close',
        '/api/positions',
        '/api/positions/history',
        '/api/positions/{userId}',
        '/api/positions/{id}/close',
        '/api/orders/{positionId}',
        '/api/orders/{orderId}/cancel',
      ]) {
        expect(r.body.paths, path).toHaveProperty([path]);
      }
    });
  });
});

describeDb('manual trades placed by an API-only process', (t) => {
  let worker: TestServer;
  let api: TestServer;

  beforeAll(async () => {
    worker = await startTestServer(t, { trading: true });
    api = await startTestServer(t, { clock: worker.clock });
  });
  afterAll(async () => {
    await api.close();
    await worker.close();
  });

  it('inserts the position unleased; a worker claims it, sets its leverage and opens it', async () => {
    const admin = await adminSession(api);
    const u = await registerUser(api.api);
    await api.api.put(`/api/users/${u.id}/subscription`, { plan: 'PREMIUM' }, admin.token);
    await api.api.post(`/api/admin/users/${u.id}/verify-email`, undefined, admin.token);
    await api.api.put(
      `/api/users/${u.id}/strategy`,
      { auto_trade_enabled: true, per_trade_usdt: '100', capital_usdt: '10000' },
      u.token,
    );
    // Each process has its own feed: the API plans with one, the worker's paper venue fills with the other.
    (api.ctx.feed as ManualFeed).setPrice('SOLUSDT', '150');
    (worker.ctx.feed as ManualFeed).setPrice('SOLUSDT', '150');
    expect(api.ctx.trading).toBeNull();

    const r = await api.api.post<{ position: PositionBody }>(
      '/api/trade/execute',
      { symbol: 'SOLUSDT', side: 'BUY', sl: 145, tp: [155, 160], leverage: 7, confirm: true },
      u.token,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.position.qty).toBe('4.66'); // 100 × 7 / 150 → lot 0.01
    const st = await until('opened by the worker', async () => {
      const row = await worker.ctx.db
        .selectFrom('positions')
        .select('state')
        .where('id', '=', r.body.position.id)
        .executeTakeFirstOrThrow();
      const x = JSON.parse(row.state) as PositionState;
      return x.status === 'OPEN' && x.orders.some((o) => o.role === 'stop' && o.status === 'NEW') ? x : null;
    });
    expect(st.entry_filled_qty).toBe('4.66');
    const account = await worker.ctx.db
      .selectFrom('paper_accounts')
      .innerJoin('exchange_accounts', 'exchange_accounts.id', 'paper_accounts.account_id')
      .select('paper_accounts.leverage')
      .where('exchange_accounts.user_id', '=', u.id)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(account.leverage)).toMatchObject({ SOLUSDT: 7 });
  });
});
