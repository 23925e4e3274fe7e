import { describeDb, FakeBinanceFutures } from '@verzek/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  binanceEnv,
  connectBinance,
  expectNoDuplicateOrders,
  ladderLive,
  postSignal,
  premiumTrader,
  RealTimeClock,
  setPrice,
} from './binance-helpers';
import { adminSession, startTestServer, type Session, type TestServer } from './harness';
import { FLOW_SIGNAL } from './live-flow-scenario';

const TRADERS = 6;

/**
 * With one engine slot, the intent worker hands the engine one position and leaves the others in the
 * queue, where the engine claims them later. A position claimed for the first time was never worked:
 * its orders are placed without a lookup (on Binance a lookup costs IP weight, and a "not found" just
 * after a start is not believed for seconds). Positions claimed again are looked up as before; that
 * half is proven by the crash and fault tests.
 */
describeDb('first claim of a queued position', (t) => {
  const fake = new FakeBinanceFutures();
  let s: TestServer;
  let admin: Session;
  const traders: Session[] = [];

  beforeAll(async () => {
    await fake.start();
    s = await startTestServer(t, {
      trading: true,
      env: binanceEnv(fake, { ENGINE_CONCURRENCY: '1' }),
      clock: new RealTimeClock(),
    });
    admin = await adminSession(s);
    await setPrice(s, admin, fake, 70000);
    for (let i = 0; i < TRADERS; i++) {
      const user = await premiumTrader(s, admin);
      await connectBinance(s, user, fake);
      traders.push(user);
    }
  }, 60_000);
  afterAll(async () => {
    await s.close();
    await fake.stop();
  });

  it('places the ladders of positions no engine worked before without looking their orders up', async () => {
    const posted = await postSignal(s, admin, FLOW_SIGNAL);
    expect(posted.executions.queued).toBe(TRADERS);
    for (const u of traders) await ladderLive(s, posted.id, u.id, 30_000);

    const claims = await s.ctx.db
      .selectFrom('positions')
      .select('claims')
      .where('signal_id', '=', posted.id)
      .execute();
    // Each handed over at insert or claimed from the queue, once: never worked twice.
    expect(claims.map((c) => c.claims)).toEqual(Array.from({ length: TRADERS }, () => 1));
    const lookups = fake.requests.filter(
      (r) => r.method === 'GET' && r.path === '/fapi/v1/order' && r.clientId !== null,
    );
    expect(lookups).toEqual([]);
    expectNoDuplicateOrders(fake);
  });
});
