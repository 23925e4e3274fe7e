import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FakeBinanceWs } from './fake-binance-ws';

let fake: FakeBinanceWs;
const clients: WebSocket[] = [];

/** A raw client that queues every text frame it receives. */
async function connect(
  path: string,
): Promise<{ ws: WebSocket; frames: unknown[]; next: () => Promise<unknown> }> {
  const ws = new WebSocket(`${fake.url}${path}`);
  clients.push(ws);
  const frames: unknown[] = [];
  ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let read = 0;
  const next = async () => {
    const deadline = Date.now() + 2000;
    while (frames.length <= read) {
      if (Date.now() > deadline) throw new Error('no frame');
      await new Promise((r) => setTimeout(r, 5));
    }
    return frames[read++];
  };
  return { ws, frames, next };
}

beforeEach(async () => {
  fake = new FakeBinanceWs({ pingIntervalMs: 20, now: () => 1_700_000_000_000 });
  await fake.start();
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.terminate();
  await fake.close();
});

describe('FakeBinanceWs', () => {
  it('speaks combined streams: URL streams, SUBSCRIBE, LIST_SUBSCRIPTIONS, UNSUBSCRIBE, events', async () => {
    const market = await connect('/market/stream?streams=btcusdt@markPrice@1s');
    expect(fake.push('BTCUSDT', { price: '95000.10000000' })).toBe(1);
    expect(await market.next()).toEqual({
      stream: 'btcusdt@markPrice@1s',
      data: {
        e: 'markPriceUpdate',
        E: 1_700_000_000_000,
        s: 'BTCUSDT',
        p: '95000.10000000',
        P: '95000.10000000',
        i: '95000.10000000',
        r: '0.00010000',
        T: 1_700_006_400_000,
      },
    });
    market.ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['ethusdt@markPrice@1s'], id: 7 }));
    expect(await market.next()).toEqual({ result: null, id: 7 });
    market.ws.send(JSON.stringify({ method: 'LIST_SUBSCRIPTIONS', id: 8 }));
    expect(await market.next()).toEqual({ result: ['btcusdt@markPrice@1s', 'ethusdt@markPrice@1s'], id: 8 });
    market.ws.send(JSON.stringify({ method: 'UNSUBSCRIBE', params: ['btcusdt@markPrice@1s'], id: 9 }));
    expect(await market.next()).toEqual({ result: null, id: 9 });
    expect(fake.push('BTCUSDT', { price: '1' })).toBe(0);
    market.ws.send('{oops');
    expect(await market.next()).toMatchObject({ error: { code: 3 } });
    market.ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['BTCUSDT'], id: 10 }));
    expect(await market.next()).toMatchObject({ error: { code: 2 }, id: 10 });
    expect(fake.stats()).toMatchObject({ subscribeMessages: 2, unsubscribeMessages: 1, listMessages: 1 });
    expect(fake.subscriptionRequests('btcusdt@markPrice@1s')).toBe(1);
  });

  it('routes like Binance: mark prices on /market, book tickers on /public, unrouted gets public only', async () => {
    const market = await connect('/market/stream?streams=btcusdt@markPrice@1s/btcusdt@bookTicker');
    const pub = await connect('/public/stream?streams=btcusdt@markPrice@1s/btcusdt@bookTicker');
    const legacy = await connect('/stream?streams=btcusdt@markPrice@1s/btcusdt@bookTicker');
    expect(fake.push('BTCUSDT', { price: '10', bid: '9', eventTime: 5 })).toBe(3);
    expect(await market.next()).toMatchObject({ stream: 'btcusdt@markPrice@1s' });
    expect(await pub.next()).toMatchObject({
      stream: 'btcusdt@bookTicker',
      data: { e: 'bookTicker', E: 5, T: 4, s: 'BTCUSDT', b: '9', a: '10' },
    });
    expect(await legacy.next()).toMatchObject({ stream: 'btcusdt@bookTicker' });
    await new Promise((r) => setTimeout(r, 20));
    expect([market.frames.length, pub.frames.length, legacy.frames.length]).toEqual([1, 1, 1]);
    expect(fake.connections().map((c) => c.route)).toEqual(['market', 'public', 'unrouted']);
    await expect(connect('/ws/btcusdt@markPrice')).rejects.toThrow(/404/);
  });

  it('disconnects a client sending more than 10 messages a second, like Binance', async () => {
    const c = await connect('/market/stream');
    const closed = new Promise<number>((resolve) => c.ws.once('close', (code) => resolve(code)));
    for (let i = 0; i < 11; i++) c.ws.send(JSON.stringify({ method: 'LIST_SUBSCRIPTIONS', id: i }));
    expect(await closed).toBe(1008);
    expect(fake.stats()).toMatchObject({ rateLimitDisconnects: 1, peakMessagesPerSecond: 11 });
  });

  it('pings, goes silent on demand, drops connections, and sends raw frames', async () => {
    const c = await connect('/market/stream?streams=btcusdt@markPrice@1s');
    await fake.waitFor(() => fake.stats().pongsReceived > 0, 2000, 'a pong');
    fake.silence(true);
    expect(fake.push('BTCUSDT', { price: '1' })).toBe(0);
    expect(fake.sendRaw('x')).toBe(0);
    fake.silence(false);
    expect(fake.sendRaw('"raw"')).toBe(1);
    expect(await c.next()).toBe('raw');
    const closed = new Promise<number>((resolve) => c.ws.once('close', (code) => resolve(code)));
    fake.dropAll({ graceful: true });
    expect(await closed).toBe(1001);
    await fake.waitFor(() => fake.stats().openConnections === 0, 2000, 'closed');
    expect(fake.stats().connectionsAccepted).toBe(1);
  });
});
