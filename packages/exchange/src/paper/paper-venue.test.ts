import { listOpenPaperOrders, listPaperFills, openDatabase, type Db } from '@verzek/db';
import { ManualClock } from '@verzek/platform';
import { describeDb, type TestDatabase } from '@verzek/test-support';
import { afterEach, expect, it } from 'vitest';
import { createManualFeed, type ManualFeed } from '../market-data';
import { isExchangeError, type OrderUpdate, type PlaceOrderRequest } from '../port';
import { createPaperVenue, type PaperVenue } from './paper-venue';
import type { PaperVenueOptions } from './options';

interface Rig {
  feed: ManualFeed;
  venue: PaperVenue;
  updates: OrderUpdate[];
}

const running: PaperVenue[] = [];
let nextAccount = 1;

afterEach(async () => {
  await Promise.all(running.splice(0).map((v) => v.stop()));
});

/** A started venue with 10 bps slippage, default fees (maker 0.0002, taker 0.0005), 5 USDT min notional. */
async function rig(db: Db, options: Partial<PaperVenueOptions> & { feed?: ManualFeed } = {}): Promise<Rig> {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const feed = options.feed ?? createManualFeed({ clock });
  const venue = createPaperVenue({ db, clock, slippageBps: 10, priceWaitMs: 150, ...options, feed });
  const updates: OrderUpdate[] = [];
  venue.onOrderUpdate((u) => updates.push(u));
  await venue.start();
  running.push(venue);
  return { feed, venue, updates };
}

function order(
  o: Partial<PlaceOrderRequest> & Pick<PlaceOrderRequest, 'clientOrderId' | 'side' | 'qty'>,
): PlaceOrderRequest {
  return { symbol: 'BTCUSDT', kind: 'MARKET', reduceOnly: false, ...o };
}

async function rejection(p: Promise<unknown>): Promise<{ code: string | undefined; message: string }> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!isExchangeError(err, 'rejected')) throw new Error(`expected a rejection, got ${String(err)}`);
  return { code: err.options.code, message: err.message };
}

function paperTests(t: TestDatabase): void {
  it('fills a market buy at the price plus slippage with the taker fee', async () => {
    const { feed, venue, updates } = await rig(t.db);
    const acct = venue.account(nextAccount++, { startingCapitalUsdt: '1000' });
    feed.setPrice('BTCUSDT', '50000');
    const snap = await acct.placeOrder(order({ clientOrderId: 'mkt-1', side: 'BUY', qty: '0.01' }));
    expect(snap).toMatchObject({
      status: 'FILLED',
      qty: '0.01',
      filledQty: '0.01',
      avgPrice: '50050',
      kind: 'MARKET',
    });
    expect(snap.fills).toHaveLength(1);
    expect(snap.fills[0]).toMatchObject({ qty: '0.01', price: '50050', fee: '0.25025', feeAsset: 'USDT' });
    expect(await acct.fetchPosition('BTCUSDT')).toEqual({
      symbol: 'BTCUSDT',
      side: 'LONG',
      qty: '0.01',
      entryPrice: '50050',
    });
    // 1000 − 0.01 × 50050 × 0.0005; free = that − 500.5 / 20 (default leverage) + (50000 − 50050) × 0.01
    expect(await acct.fetchBalance()).toEqual({ asset: 'USDT', total: '999.74975', free: '974.22475' });
    expect(updates).toEqual([]); // placeOrder returned it; nothing rested
  });

  it('LONG round trip: TP limit fills exactly at its price as maker, the stop on the mark price, to the cent', async () => {
    const { feed, venue, updates } = await rig(t.db);
    const acct = venue.account(nextAccount++, { startingCapitalUsdt: '1000' });
    feed.setPrice('BTCUSDT', '50000');
    await acct.placeOrder(order({ clientOrderId: 'L-entry', side: 'BUY', qty: '0.02' })); // 50050, fee 0.5005
    const tp = await acct.placeOrder(
      order({
        clientOrderId: 'L-tp1',
        kind: 'LIMIT',
        side: 'SELL',
        qty: '0.01',
        price: '51000',
        reduceOnly: true,
      }),
    );
    const sl = await acct.placeOrder(
      order({
        clientOrderId: 'L-sl',
        kind: 'STOP_MARKET',
        side: 'SELL',
        qty: '0.02',
        stopPrice: '49000',
        reduceOnly: true,
      }),
    );
    expect([tp.status, sl.status]).toEqual(['NEW', 'NEW']);
    expect((await acct.fetchOpenOrders('BTCUSDT')).map((o) => o.clientOrderId)).toEqual(['L-tp1', 'L-sl']);

    feed.setPrice('BTCUSDT', '50999.9');
    await venue.idle();
    expect((await acct.fetchOrder('BTCUSDT', 'L-tp1'))?.status).toBe('NEW');
    feed.setPrice('BTCUSDT', '51000');
    await venue.idle();
    const tpDone = await acct.fetchOrder('BTCUSDT', 'L-tp1');
    expect(tpDone).toMatchObject({ status: 'FILLED', avgPrice: '51000', filledQty: '0.01' });
    expect(tpDone?.fills[0]?.fee).toBe('0.102'); // 0.01 × 51000 × 0.0002
    expect(updates.map((u) => [u.venue, u.snapshot.clientOrderId, u.snapshot.status])).toEqual([
      ['paper', 'L-tp1', 'FILLED'],
    ]);

    // the stop triggers at ≤ 49000 and fills at the trigger price minus slippage: 49000 × 0.999 = 48951
    feed.setPrice('BTCUSDT', '49000.1');
    await venue.idle();
    expect(updates).toHaveLength(1);
    feed.setPrice('BTCUSDT', '48900');
    await venue.idle();
    const slDone = await acct.fetchOrder('BTCUSDT', 'L-sl');
    // reduce-only: capped at the 0.01 left
    expect(slDone).toMatchObject({ status: 'FILLED', qty: '0.01', filledQty: '0.01', avgPrice: '48951' });
    expect(slDone?.fills[0]?.fee).toBe('0.244755'); // 0.01 × 48951 × 0.0005
    expect(updates.map((u) => u.snapshot.clientOrderId)).toEqual(['L-tp1', 'L-sl']);
    expect(updates[1]?.accountId).toBe(updates[0]?.accountId);

    expect(await acct.fetchPosition('BTCUSDT')).toBeNull();
    // 1000 − 0.5005 (entry fee) + 9.5 (TP: (51000 − 50050) × 0.01) − 0.102
    //      − 10.99 (SL: (48951 − 50050) × 0.01) − 0.244755
    expect(await acct.fetchBalance()).toEqual({ asset: 'USDT', total: '997.662745', free: '997.662745' });
  });

  it('SHORT round trip and a reduce-only stop that fires on a flat position expires', async () => {
    const { feed, venue, updates } = await rig(t.db);
    const acct = venue.account(nextAccount++, { startingCapitalUsdt: '1000' });
    feed.setPrice('ETHUSDT', '3000');
    const entry = await acct.placeOrder(
      order({ clientOrderId: 'S-entry', symbol: 'ETHUSDT', side: 'SELL', qty: '1' }),
    );
    expect(entry).toMatchObject({ status: 'FILLED', avgPrice: '2997' }); // 3000 × 0.999, fee 1.4985
    expect(await acct.fetchPosition('ETHUSDT')).toEqual({
      symbol: 'ETHUSDT',
      side: 'SHORT',
      qty: '1',
      entryPrice: '2997',
    });
    await acct.placeOrder(
      order({
        clientOrderId: 'S-tp1',
        symbol: 'ETHUSDT',
        kind: 'LIMIT',
        side: 'BUY',
        qty: '0.4',
        price: '2900',
        reduceOnly: true,
      }),
    );
    await acct.placeOrder(
      order({
        clientOrderId: 'S-sl',
        symbol: 'ETHUSDT',
        kind: 'STOP_MARKET',
        side: 'BUY',
        qty: '1',
        stopPrice: '3100',
        reduceOnly: true,
      }),
    );
    feed.setPrice('ETHUSDT', '2900.01');
    await venue.idle();
    expect(updates).toEqual([]);
    feed.setPrice('ETHUSDT', '2900');
    await venue.idle();
    expect(updates[0]?.snapshot).toMatchObject({
      clientOrderId: 'S-tp1',
      status: 'FILLED',
      avgPrice: '2900',
    });
    expect(updates[0]?.snapshot.fills[0]?.fee).toBe('0.232'); // 0.4 × 2900 × 0.0002; realized (2997 − 2900) × 0.4 = 38.8

    // close the rest: a reduce-only market buy of 1 is capped at the 0.6 left; 2950 × 1.001 = 2952.95
    feed.setPrice('ETHUSDT', '2950');
    const close = await acct.placeOrder(
      order({ clientOrderId: 'S-close', symbol: 'ETHUSDT', side: 'BUY', qty: '1', reduceOnly: true }),
    );
    expect(close).toMatchObject({ status: 'FILLED', qty: '0.6', filledQty: '0.6', avgPrice: '2952.95' });
    expect(close.fills[0]?.fee).toBe('0.885885'); // realized (2997 − 2952.95) × 0.6 = 26.43
    expect(await acct.fetchPosition('ETHUSDT')).toBeNull();

    feed.setPrice('ETHUSDT', '3150');
    await venue.idle();
    expect(updates[1]?.snapshot).toMatchObject({
      clientOrderId: 'S-sl',
      status: 'EXPIRED',
      filledQty: '0',
      fills: [],
    });
    expect(updates[1]?.snapshot.rejectReason).toMatch(/no position/);
    // 1000 − 1.4985 + 38.8 − 0.232 + 26.43 − 0.885885
    expect((await acct.fetchBalance()).total).toBe('1062.613615');
  });

  it('rejects a stop that would trigger at once and fills a stop entry at its trigger plus slippage', async () => {
    const { feed, venue, updates } = await rig(t.db);
    const acct = venue.account(nextAccount++, { startingCapitalUsdt: '1000' });
    feed.setPrice('BTCUSDT', '50000');
    const buyStop = (id: string, stopPrice: string): PlaceOrderRequest =>
      order({ clientOrderId: id, kind: 'STOP_MARKET', side: 'BUY', qty: '0.01', stopPrice });
    expect(await rejection(acct.placeOrder(buyStop('st-now', '50000')))).toMatchObject({ code: '-2021' });
    expect(
      await rejection(
        acct.placeOrder(
          order({
            clientOrderId: 'st-now2',
            kind: 'STOP_MARKET',
            side: 'SELL',
            qty: '0.01',
            stopPrice: '50100',
          }),
        ),
      ),
    ).toMatchObject({ code: '-2021', message: expect.stringMatching(/immediately trigger/) as unknown });
    expect(await acct.fetchOrder('BTCUSDT', 'st-now')).toBeNull(); // a rejected order does not exist

    expect((await acct.placeOrder(buyStop('st-1', '51000'))).status).toBe('NEW');
    feed.setPrice('BTCUSDT', '50999.9');
    await venue.idle();
    expect(updates).toEqual([]);
    feed.setPrice('BTCUSDT', '51000');
    await venue.idle();
    expect(updates[0]?.snapshot).toMatchObject({
      clientOrderId: 'st-1',
      status: 'FILLED',
      avgPrice: '51051',
    });
    expect(updates[0]?.snapshot.fills[0]?.fee).toBe('0.255255'); // taker: 0.01 × 51051 × 0.0005
  });

  it('rejects reduce-only orders with nothing to reduce and caps them at the position', async () => {
    const { feed, venue } = await rig(t.db);
    const acct = venue.account(nextAccount++, { startingCapitalUsdt: '1000' });
    feed.setPrice('BTCUSDT', '50000');
    const sell = (id: string, qty: string): PlaceOrderRequest =>
      order({ clientOrderId: id, side: 'SELL', qty, reduceOnly: true });
    expect(await rejection(acct.placeOrder(sell('ro-0', '0.01')))).toMatchObject({
      code: '-2022',
      message: expect.stringMatching(/^ReduceOnly Order is rejected/) as unknown,
    });
    await acct.placeOrder(order({ clientOrderId: 'ro-entry', side: 'BUY', qty: '0.01' }));
    // a reduce-only BUY would add to the long: rejected too
    expect(
      await rejection(
        acct.placeOrder(order({ clientOrderId: 'ro-1', side: 'BUY', qty: '0.01', reduceOnly: true })),
      ),
    ).toMatchObject({ code: '-2022' });
    const capped = await acct.placeOrder(sell('ro-2', '0.05'));
    expect(capped).toMatchObject({ status: 'FILLED', qty: '0.01', filledQty: '0.01', avgPrice: '49950' });
    expect(await acct.fetchPosition('BTCUSDT')).toBeNull();
  });

  it('fills a marketable limit at once as taker, never worse than its limit', async () => {
    const { feed, venue, updates } = await rig(t.db);
    const acct = venue.account(nextAccount++, { startingCapitalUsdt: '1000' });
    feed.setPrice('BTCUSDT', '50000');
    const limit = (id: string, price: string): PlaceOrderRequest =>
      order({ clientOrderId: id, kind: 'LIMIT', side: 'BUY', qty: '0.001', price });
    const a = await acct.placeOrder(limit('lim-1', '50100'));
    expect(a).toMatchObject({ status: 'FILLED', avgPrice: '50050' });
    expect(a.fills[0]?.fee).toBe('0.025025'); // taker
    expect(await acct.placeOrder(limit('lim-2', '50020'))).toMatchObject({
      status: 'FILLED',
      avgPrice: '50020',
    });
    const resting = await acct.placeOrder(limit('lim-3', '49000'));
    expect(resting.status).toBe('NEW');
    feed.setPrice('BTCUSDT', '48000'); // gaps through: a resting limit fills at its limit, as maker
    await venue.idle();
    expect(updates[0]?.snapshot).toMatchObject({
      clientOrderId: 'lim-3',
      status: 'FILLED',
      avgPrice: '49000',
    });
    expect(updates[0]?.snapshot.fills[0]?.fee).toBe('0.0098'); // 0.001 × 49000 × 0.0002
  });

  it('checks margin, leverage, filters and the minimum notional', async () => {
    const { feed, venue } = await rig(t.db);
    const acct = venue.account(nextAccount++, { startingCapitalUsdt: '100' });
    feed.setPrice('BTCUSDT', '50000');
    // 0.05 × 50050 / 20 = 125.125 > 100
    expect(
      await rejection(acct.placeOrder(order({ clientOrderId: 'm-1', side: 'BUY', qty: '0.05' }))),
    ).toMatchObject({
      code: '-2019',
      message: expect.stringMatching(/^insufficient margin/) as unknown,
    });
    expect(await rejection(acct.setLeverage('BTCUSDT', 126, 'ISOLATED'))).toMatchObject({ code: '-4028' });
    await acct.setLeverage('BTCUSDT', 50, 'ISOLATED');
    expect((await acct.placeOrder(order({ clientOrderId: 'm-1', side: 'BUY', qty: '0.05' }))).status).toBe(
      'FILLED',
    );
    // available: 100 − 1.25125 (fee) − 50.05 (margin) − 2.5 (unrealized) = 46.19875; a resting entry reserves
    // 0.04 × 49000 / 50 = 39.2 of it, so a second one does not fit
    await acct.placeOrder(
      order({ clientOrderId: 'm-2', kind: 'LIMIT', side: 'BUY', qty: '0.04', price: '49000' }),
    );
    expect(
      await rejection(
        acct.placeOrder(
          order({ clientOrderId: 'm-3', kind: 'LIMIT', side: 'BUY', qty: '0.04', price: '49000' }),
        ),
      ),
    ).toMatchObject({ code: '-2019' });

    expect(
      await rejection(acct.placeOrder(order({ clientOrderId: 'f-1', side: 'BUY', qty: '0.0015' }))),
    ).toMatchObject({
      code: '-1111',
    });
    expect(
      await rejection(
        acct.placeOrder(
          order({ clientOrderId: 'f-2', kind: 'LIMIT', side: 'BUY', qty: '0.001', price: '49000.05' }),
        ),
      ),
    ).toMatchObject({ code: '-4014' });
    feed.setPrice('DOGEUSDT', '0.2');
    expect(
      await rejection(
        acct.placeOrder(order({ clientOrderId: 'f-3', symbol: 'DOGEUSDT', side: 'BUY', qty: '24' })),
      ),
    ).toMatchObject({ code: '-4164' }); // 24 × 0.2002 = 4.8048 < 5
    expect(
      await rejection(acct.placeOrder(order({ clientOrderId: 'bad id!', side: 'BUY', qty: '0.001' }))),
    ).toMatchObject({
      code: '-4015',
    });
  });

  it('rejects a duplicate client order id, cancels, and answers lookups like an exchange', async () => {
    const { feed, venue, updates } = await rig(t.db);
    const acct = venue.account(nextAccount++, { startingCapitalUsdt: '1000' });
    feed.setPrice('BTCUSDT', '50000');
    const filled = await acct.placeOrder(order({ clientOrderId: 'd-1', side: 'BUY', qty: '0.01' }));
    expect(
      await rejection(
        acct.placeOrder(
          order({ clientOrderId: 'd-1', kind: 'LIMIT', side: 'SELL', qty: '0.01', price: '60000' }),
        ),
      ),
    ).toMatchObject({
      code: '-4116',
      message: expect.stringMatching(/ClientOrderId is duplicated/) as unknown,
    });
    expect(await acct.cancelOrder('BTCUSDT', 'd-1')).toEqual(filled);

    const resting = await acct.placeOrder(
      order({
        clientOrderId: 'd-2',
        kind: 'LIMIT',
        side: 'SELL',
        qty: '0.01',
        price: '60000',
        reduceOnly: true,
      }),
    );
    const canceled = await acct.cancelOrder('btcusdt', 'd-2');
    expect(canceled).toMatchObject({
      clientOrderId: 'd-2',
      exchangeOrderId: resting.exchangeOrderId,
      status: 'CANCELED',
    });
    expect(updates.map((u) => [u.snapshot.clientOrderId, u.snapshot.status])).toEqual([['d-2', 'CANCELED']]);
    expect(await acct.cancelOrder('BTCUSDT', 'd-2')).toEqual(canceled); // final: same snapshot, no new update
    expect(updates).toHaveLength(1);
    feed.setPrice('BTCUSDT', '61000');
    await venue.idle();
    expect(updates).toHaveLength(1); // a cancelled order never fills
    expect(venue.restingCount()).toBe((await listOpenPaperOrders(t.db)).length); // d-2 left the book

    expect(await acct.fetchOrder('BTCUSDT', 'nope')).toBeNull();
    expect(await acct.fetchOrder('ETHUSDT', 'd-1')).toBeNull(); // another symbol's order id
    expect(await rejection(acct.cancelOrder('BTCUSDT', 'nope'))).toMatchObject({ code: '-2011' });
    // another account does not see this one's orders
    expect(
      await venue.account(nextAccount++, { startingCapitalUsdt: '1000' }).fetchOrder('BTCUSDT', 'd-1'),
    ).toBeNull();
  });

  it('waits briefly for a first price, then rejects', async () => {
    const { feed, venue } = await rig(t.db);
    const acct = venue.account(nextAccount++, { startingCapitalUsdt: '1000' });
    const pending = acct.placeOrder(
      order({ clientOrderId: 'w-1', symbol: 'SOLUSDT', side: 'BUY', qty: '1' }),
    );
    setTimeout(() => feed.setPrice('SOLUSDT', '150'), 20);
    expect(await pending).toMatchObject({ status: 'FILLED', avgPrice: '150.15' });
    expect(
      await rejection(
        acct.placeOrder(order({ clientOrderId: 'w-2', symbol: 'XRPUSDT', side: 'BUY', qty: '10' })),
      ),
    ).toMatchObject({ code: 'no_price', message: 'no market price for XRPUSDT' });
  });

  it('describes markets: bundled filters, derived ones for unknown symbols, configured fees', async () => {
    const { feed, venue } = await rig(t.db, { makerFee: '0.0001', minNotionalUsdt: '10' });
    const acct = venue.account(nextAccount++, { startingCapitalUsdt: '1000' });
    expect(await acct.loadMarket('BTCUSDT')).toEqual({
      symbol: 'BTCUSDT',
      rules: { tickSize: '0.1', lotSize: '0.001', minQty: '0.001', minNotional: '10' },
      fees: { maker_rate: '0.0001', taker_rate: '0.0005' },
      maxLeverage: 125,
    });
    feed.setPrice('FOOUSDT', '1.2345');
    expect(await acct.loadMarket('FOOUSDT')).toMatchObject({
      rules: { tickSize: '0.00001', lotSize: '0.1', minQty: '0.1', minNotional: '10' },
      maxLeverage: 20,
    });
  });

  it('remembers every order across a restart and fills resting ones on the next tick', async () => {
    const accountId = nextAccount++;
    const first = await rig(t.db);
    const acct = first.venue.account(accountId, { startingCapitalUsdt: '1000' });
    first.feed.setPrice('BTCUSDT', '50000');
    await acct.placeOrder(order({ clientOrderId: 'r-entry', side: 'BUY', qty: '0.02' }));
    await acct.placeOrder(
      order({
        clientOrderId: 'r-tp',
        kind: 'LIMIT',
        side: 'SELL',
        qty: '0.01',
        price: '52000',
        reduceOnly: true,
      }),
    );
    await acct.placeOrder(
      order({
        clientOrderId: 'r-sl',
        kind: 'STOP_MARKET',
        side: 'SELL',
        qty: '0.02',
        stopPrice: '48000',
        reduceOnly: true,
      }),
    );
    await first.venue.stop();

    const open = (await listOpenPaperOrders(t.db)).length; // other tests' resting orders too
    const second = await rig(t.db); // a new process: new feed, new venue, same database
    expect(second.venue.restingCount()).toBe(open);
    const again = second.venue.account(accountId, { startingCapitalUsdt: '5' }); // an existing account keeps its books
    expect(await again.fetchOrder('BTCUSDT', 'r-entry')).toMatchObject({
      status: 'FILLED',
      avgPrice: '50050',
    });
    expect(await again.fetchOrder('BTCUSDT', 'r-tp')).toMatchObject({ status: 'NEW', kind: 'LIMIT' });
    expect(await again.fetchOrder('BTCUSDT', 'r-sl')).toMatchObject({ status: 'NEW', kind: 'STOP_MARKET' });
    second.feed.setPrice('BTCUSDT', '52000');
    await second.venue.idle();
    expect(second.updates.map((u) => [u.accountId, u.snapshot.clientOrderId, u.snapshot.status])).toEqual([
      [accountId, 'r-tp', 'FILLED'],
    ]);
    expect(first.updates).toEqual([]);
    expect(await again.fetchPosition('BTCUSDT')).toMatchObject({ side: 'LONG', qty: '0.01' });
    expect(second.venue.restingCount()).toBe(open - 1);
  });

  it('fills each resting order exactly once when two venues share the database and the tick', async () => {
    // On PostgreSQL the second venue has its own connection pool, like a second process.
    const other = t.dialect === 'postgres' ? openDatabase(t.target, { poolSize: 5 }) : null;
    try {
      const a = await rig(t.db);
      const accounts = Array.from({ length: 8 }, () =>
        a.venue.account(nextAccount++, { startingCapitalUsdt: '1000' }),
      );
      a.feed.setPrice('ETHUSDT', '3000');
      for (const [i, acct] of accounts.entries()) {
        await acct.placeOrder(
          order({ clientOrderId: `x-entry-${i}`, symbol: 'ETHUSDT', side: 'BUY', qty: '0.1' }),
        );
        await acct.placeOrder(
          order({
            clientOrderId: `x-tp-${i}`,
            symbol: 'ETHUSDT',
            kind: 'LIMIT',
            side: 'SELL',
            qty: '0.1',
            price: '3100',
            reduceOnly: true,
          }),
        );
      }
      const b = await rig(other?.db ?? t.db, { feed: a.feed });
      const open = (await listOpenPaperOrders(t.db)).length; // 8 + other tests' resting orders
      expect([a.venue.restingCount(), b.venue.restingCount()]).toEqual([open, open]);
      a.feed.setPrice('ETHUSDT', '3100'); // one tick, delivered to both venues
      await Promise.all([a.venue.idle(), b.venue.idle()]);
      const all = [...a.updates, ...b.updates];
      expect(all.map((u) => u.snapshot.clientOrderId).sort()).toEqual(
        accounts.map((_, i) => `x-tp-${i}`).sort(),
      );
      for (const acct of accounts) {
        const tp = await acct.fetchOrder('ETHUSDT', `x-tp-${accounts.indexOf(acct)}`);
        expect(tp?.fills).toHaveLength(1);
        expect(await listPaperFills(t.db, [Number(tp?.exchangeOrderId)])).toHaveLength(1);
        // entry 0.1 × 3003 fee 0.15015; TP realized (3100 − 3003) × 0.1 = 9.7, fee 0.1 × 3100 × 0.0002 = 0.062
        expect((await acct.fetchBalance()).total).toBe('1009.48785');
      }

      // an order placed through A after B started: B picks it up with sync(), and still one fill
      const late = order({
        clientOrderId: 'x-late',
        symbol: 'ETHUSDT',
        kind: 'LIMIT',
        side: 'BUY',
        qty: '0.1',
        price: '3000',
      });
      await accounts[0]?.placeOrder(late);
      const resting = b.venue.restingCount();
      await b.venue.sync();
      expect(b.venue.restingCount()).toBe(resting + 1);
      a.feed.setPrice('ETHUSDT', '2999');
      await Promise.all([a.venue.idle(), b.venue.idle()]);
      const lateUpdates = [...a.updates, ...b.updates].filter((u) => u.snapshot.clientOrderId === 'x-late');
      expect(lateUpdates.map((u) => [u.snapshot.status, u.snapshot.avgPrice])).toEqual([['FILLED', '3000']]);
    } finally {
      await Promise.all(running.splice(0).map((v) => v.stop()));
      await other?.close();
    }
  });
}

describeDb('paper venue', paperTests);
