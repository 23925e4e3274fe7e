import { describeDb } from '@verzek/test-support';
import { expect, it } from 'vitest';
import { isUniqueViolation } from '../errors';
import {
  ensurePaperAccount,
  findPaperOrder,
  finishPaperOrder,
  getPaperPosition,
  getPlacementFacts,
  insertPaperFill,
  insertPaperOrder,
  listOpenPaperOrders,
  listPaperFills,
  lockPaperAccount,
  savePaperPosition,
} from './paper';

const newOrder = {
  symbol: 'BTCUSDT',
  kind: 'LIMIT' as const,
  side: 'SELL' as const,
  requested_qty: '0.01',
  qty: '0.01',
  price: '51000.5',
  stop_price: null,
  reduce_only: 1,
  status: 'NEW' as const,
  filled_qty: '0',
  avg_price: null,
  reason: null,
  created_at: 1,
  updated_at: 1,
};

describeDb('paper repositories', (t) => {
  it('creates an account once and keeps it, and locks it by bumping its version', async () => {
    const a = await ensurePaperAccount(t.db, { accountId: 7, startingCapital: '1000', at: 5 });
    expect(a).toMatchObject({
      account_id: 7,
      balance: '1000',
      starting_capital: '1000',
      leverage: '{}',
      version: 0,
    });
    const again = await ensurePaperAccount(t.db, { accountId: 7, startingCapital: '5', at: 6 });
    expect(again.balance).toBe('1000');
    const locked = await t.db.transaction().execute((trx) => lockPaperAccount(trx, 7));
    expect(locked?.version).toBe(1);
    expect(await lockPaperAccount(t.db, 999)).toBeUndefined();
  });

  it('keeps client order ids unique per account and lets exactly one caller move an order out of NEW', async () => {
    await ensurePaperAccount(t.db, { accountId: 8, startingCapital: '1000', at: 1 });
    await ensurePaperAccount(t.db, { accountId: 9, startingCapital: '1000', at: 1 });
    const o = await insertPaperOrder(t.db, { ...newOrder, account_id: 8, client_order_id: 'c1' });
    await insertPaperOrder(t.db, { ...newOrder, account_id: 9, client_order_id: 'c1' }); // other account: fine
    const dup = await insertPaperOrder(t.db, { ...newOrder, account_id: 8, client_order_id: 'c1' }).catch(
      (e: unknown) => e,
    );
    expect(isUniqueViolation(dup)).toBe(true);
    expect((await listOpenPaperOrders(t.db, { accountId: 8 })).map((r) => r.id)).toEqual([o.id]);

    const results = await Promise.all([
      finishPaperOrder(t.db, o.id, {
        status: 'FILLED',
        filled_qty: '0.01',
        avg_price: '51000.5',
        updated_at: 2,
      }),
      finishPaperOrder(t.db, o.id, { status: 'CANCELED', updated_at: 2 }),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await findPaperOrder(t.db, 8, 'c1'))?.status).not.toBe('NEW');
    expect(await listOpenPaperOrders(t.db, { accountId: 8 })).toEqual([]);
  });

  it('stores decimals exactly and upserts positions', async () => {
    await ensurePaperAccount(t.db, { accountId: 10, startingCapital: '1000', at: 1 });
    const o = await insertPaperOrder(t.db, { ...newOrder, account_id: 10, client_order_id: 'p1' });
    const fill = await insertPaperFill(t.db, {
      order_id: o.id,
      account_id: 10,
      symbol: 'BTCUSDT',
      side: 'SELL',
      qty: '0.01',
      price: '51000.5',
      fee: '0.000000012345678901',
      fee_asset: 'USDT',
      liquidity: 'MAKER',
      realized_pnl: '-10.99',
      created_at: 3,
    });
    expect((await listPaperFills(t.db, [o.id])).map((f) => [f.id, f.fee, f.realized_pnl])).toEqual([
      [fill.id, '0.000000012345678901', '-10.99'],
    ]);
    expect(await listPaperFills(t.db, [])).toEqual([]);
    const base = { account_id: 10, symbol: 'BTCUSDT', entry_price: '50050.123456789012', realized_pnl: '0' };
    await savePaperPosition(t.db, { ...base, qty: '-0.02', updated_at: 1 });
    await savePaperPosition(t.db, { ...base, qty: '-0.01', realized_pnl: '9.5', updated_at: 2 });
    expect(await getPaperPosition(t.db, 10, 'BTCUSDT')).toEqual({
      ...base,
      qty: '-0.01',
      realized_pnl: '9.5',
      updated_at: 2,
    });
  });

  it('reads what a placement is checked against in one statement: a duplicate id, the position', async () => {
    await ensurePaperAccount(t.db, { accountId: 11, startingCapital: '1000', at: 1 });
    const facts = (clientOrderId: string, symbol = 'ETHUSDT') =>
      getPlacementFacts(t.db, { accountId: 11, symbol, clientOrderId });
    expect(await facts('e1')).toEqual({ duplicate: false, position: undefined });
    await insertPaperOrder(t.db, { ...newOrder, symbol: 'ETHUSDT', account_id: 11, client_order_id: 'e1' });
    const position = {
      account_id: 11,
      symbol: 'ETHUSDT',
      qty: '1.5',
      entry_price: '3500.25',
      realized_pnl: '0',
      updated_at: 4,
    };
    await savePaperPosition(t.db, position);
    expect(await facts('e1')).toEqual({ duplicate: true, position });
    expect(await facts('e2')).toEqual({ duplicate: false, position });
    expect(await facts('e1', 'BTCUSDT')).toEqual({ duplicate: true, position: undefined });
    expect(await getPlacementFacts(t.db, { accountId: 12, symbol: 'ETHUSDT', clientOrderId: 'e1' })).toEqual({
      duplicate: false,
      position: undefined,
    });
  });
});
