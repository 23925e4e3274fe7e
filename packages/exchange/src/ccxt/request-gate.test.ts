import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RequestGate, type GateLimits } from './request-gate';

const limits = (over: Partial<GateLimits> = {}): GateLimits => ({
  weightPerMinute: 0,
  ordersPer10s: 0,
  ordersPerMinute: 0,
  headroom: 1,
  maxInFlight: 100,
  perAccountInFlight: 100,
  maxWaitMs: 5_000,
  optionalShare: 0.5,
  optionalWaitMs: 100,
  ...over,
});

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('RequestGate', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(Date.UTC(2026, 10, 22, 12, 0, 5));
  });
  afterEach(() => vi.useRealTimers());

  it('serves accounts round-robin: a busy account does not starve a quiet one', async () => {
    const gate = new RequestGate(limits({ maxInFlight: 1, perAccountInFlight: 1 }));
    const order: string[] = [];
    const slow = (name: string) => () =>
      new Promise<void>((resolve) => {
        order.push(name);
        setTimeout(resolve, 10);
      });
    const all: Promise<void>[] = [];
    for (let i = 0; i < 10; i++) all.push(gate.run('hot', { weight: 1, orders: 0 }, slow(`hot${i}`)));
    all.push(gate.run('quiet', { weight: 1, orders: 0 }, slow('quiet')));
    for (let i = 0; i < 12; i++) {
      await vi.advanceTimersByTimeAsync(10);
      await tick();
    }
    await Promise.all(all);
    // It joins the round: served after at most one more of the busy account's requests.
    expect(order.indexOf('quiet')).toBeLessThanOrEqual(2);
    expect(order.filter((o) => o.startsWith('hot'))).toEqual([...Array(10).keys()].map((i) => `hot${i}`));
  });

  it('spends the IP weight per minute and waits for the next window', async () => {
    const gate = new RequestGate(limits({ weightPerMinute: 10, maxWaitMs: 120_000 }));
    let done = 0;
    const calls: Promise<void>[] = [];
    for (let i = 0; i < 12; i++)
      calls.push(gate.run('a', { weight: 1, orders: 0 }, () => Promise.resolve(void (done += 1))));
    await tick();
    expect(done).toBe(10);
    await vi.advanceTimersByTimeAsync(56_000);
    await Promise.all(calls);
    expect(done).toBe(12);
  });

  it('refuses (without sending) what cannot go within the wait limit', async () => {
    const gate = new RequestGate(limits({ weightPerMinute: 10, maxWaitMs: 1_000 }));
    gate.observe('a', { status: 200, headers: { 'x-mbx-used-weight-1m': '10' } });
    let sent = false;
    const err = await gate
      .run('a', { weight: 1, orders: 0 }, () => Promise.resolve(void (sent = true)))
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(sent).toBe(false);
    expect(err).toMatchObject({ kind: 'rate_limited' });
    expect((err as { options: { retryAfterMs: number } }).options.retryAfterMs).toBeGreaterThan(50_000);
  });

  it('stops all traffic on a 429/418 with Retry-After, and only one account on an order-rate 429', async () => {
    const gate = new RequestGate(limits({ maxWaitMs: 500, ordersPer10s: 300 }));
    gate.observe('a', { status: 429, headers: { 'retry-after': '2' }, body: '{"code":-1003}' });
    expect(gate.banRemainingMs()).toBe(2_000);
    await expect(gate.run('b', { weight: 1, orders: 0 }, () => Promise.resolve(1))).rejects.toMatchObject({
      kind: 'rate_limited',
    });
    await vi.advanceTimersByTimeAsync(2_001);
    await expect(gate.run('b', { weight: 1, orders: 0 }, () => Promise.resolve(2))).resolves.toBe(2);

    gate.observe('a', {
      status: 429,
      headers: { 'retry-after': '5' },
      body: '{"code":-1015,"msg":"Too many new orders"}',
    });
    await expect(gate.run('a', { weight: 0, orders: 1 }, () => Promise.resolve(3))).rejects.toMatchObject({
      kind: 'rate_limited',
    });
    await expect(gate.run('a', { weight: 1, orders: 0 }, () => Promise.resolve(4))).resolves.toBe(4);
    await expect(gate.run('c', { weight: 0, orders: 1 }, () => Promise.resolve(5))).resolves.toBe(5);
  });

  it('keeps best-effort calls to their share of the weight, failing them fast', async () => {
    const gate = new RequestGate(limits({ weightPerMinute: 10, maxWaitMs: 60_000 }));
    gate.observe('a', { status: 200, headers: { 'x-mbx-used-weight-1m': '5' } });
    await expect(
      gate.run('a', { weight: 1, orders: 0, optional: true }, () => Promise.resolve(1)),
    ).rejects.toMatchObject({
      kind: 'rate_limited',
    });
    await expect(gate.run('a', { weight: 1, orders: 0 }, () => Promise.resolve(2))).resolves.toBe(2);
  });

  it('keeps each account under its order counts, synced from the headers', async () => {
    const gate = new RequestGate(limits({ ordersPer10s: 5, maxWaitMs: 20_000 }));
    gate.observe('a', { status: 200, headers: { 'x-mbx-order-count-10s': '4' } });
    let placed = 0;
    const p1 = gate.run('a', { weight: 0, orders: 1 }, () => Promise.resolve(void (placed += 1)));
    const p2 = gate.run('a', { weight: 0, orders: 1 }, () => Promise.resolve(void (placed += 1)));
    await tick();
    expect(placed).toBe(1);
    await vi.advanceTimersByTimeAsync(10_000);
    await Promise.all([p1, p2]);
    expect(placed).toBe(2);
  });
});
