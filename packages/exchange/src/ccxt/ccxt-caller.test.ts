import { describe, expect, it } from 'vitest';
import { CcxtCaller } from './ccxt-caller';
import { BINANCE_FUTURES_LIMITS, RequestGate } from './request-gate';

describe('CcxtCaller', () => {
  it('never sends a write after its send budget: the caller may have looked it up and re-placed it', async () => {
    const gate = new RequestGate({ ...BINANCE_FUTURES_LIMITS, perAccountInFlight: 1 });
    const caller = new CcxtCaller({ gate, accountKey: 'a', venue: 'test', codes: {}, writeBudgetMs: 50 });
    const slow = caller.call(
      'read',
      'slow read',
      { weight: 1, orders: 0 },
      () => new Promise((r) => setTimeout(() => r(1), 200)),
    );
    let sent = false;
    const write = caller.call('write', 'POST order', { weight: 0, orders: 1 }, () => {
      sent = true;
      return Promise.resolve(2);
    });
    await expect(write).rejects.toMatchObject({
      kind: 'rate_limited',
      message: expect.stringMatching(/not sent in time/),
    });
    expect(sent).toBe(false);
    await expect(slow).resolves.toBe(1);
  });

  it('retries reads, not writes', async () => {
    const gate = new RequestGate(BINANCE_FUTURES_LIMITS);
    const caller = new CcxtCaller({
      gate,
      accountKey: 'a',
      venue: 'test',
      codes: { '-1007': 'unknown' },
      retry: { attempts: 3, baseMs: 1, maxMs: 2 },
    });
    let reads = 0;
    const flaky = () => {
      reads += 1;
      return reads < 3 ? Promise.reject(new Error('{"code":-1007,"msg":"timeout"}')) : Promise.resolve('ok');
    };
    await expect(caller.call('read', 'GET x', { weight: 1, orders: 0 }, flaky)).resolves.toBe('ok');
    expect(reads).toBe(3);
    let writes = 0;
    const failing = () => {
      writes += 1;
      return Promise.reject(new Error('{"code":-1007,"msg":"timeout"}'));
    };
    await expect(caller.call('write', 'POST x', { weight: 0, orders: 1 }, failing)).rejects.toMatchObject({
      kind: 'unknown_outcome',
    });
    expect(writes).toBe(1);
  });
});
