import type { Exchange } from 'ccxt';
import { describe, expect, it } from 'vitest';
import { loadCcxt } from './ccxt-loader';
import { nativeHmac } from './native-hmac';

type Hmac = Exchange['hmac'];
type Call = Parameters<Hmac>;

/** The HMAC calls ccxt itself makes when it signs a private request of `client` (no network). */
function hmacCallsOf(client: Exchange, signArgs: Parameters<Exchange['sign']>): Call[] {
  const calls: Call[] = [];
  const original = client.hmac;
  client.hmac = ((...args: Call) => {
    calls.push(args);
    return original(...args);
  }) as Hmac;
  client.sign(...signArgs);
  client.hmac = original;
  return calls;
}

describe('native HMAC for ccxt signatures', () => {
  it('gives the very bytes ccxt’s own HMAC gives, for the hashes and digests our exchanges sign with', async () => {
    const ccxt = await loadCcxt();
    const binance = new ccxt.binanceusdm({ apiKey: 'k', secret: 'binance-secret' });
    const kraken = new ccxt.krakenfutures({
      apiKey: 'k',
      secret: Buffer.from('kraken-secret').toString('base64'),
    });
    const calls = [
      ...hmacCallsOf(binance, ['order', 'fapiPrivate', 'POST', { symbol: 'BTCUSDT', side: 'BUY' }]),
      ...hmacCallsOf(kraken, ['sendorder', 'private', 'POST', { symbol: 'PF_XBTUSD' }]),
    ];
    expect(calls.length).toBe(2);
    const original = binance.hmac;
    let byCcxt = 0;
    const fast = nativeHmac(((...args: Call) => {
      byCcxt += 1;
      return original(...args);
    }) as Hmac);
    for (const [request, secret, hash, digest] of calls) {
      expect(fast(request, secret, hash, digest)).toEqual(original(request, secret, hash, digest));
      for (const d of ['hex', 'base64', 'binary'] as const)
        expect(fast(request, secret, hash, d)).toEqual(original(request, secret, hash, d));
      expect(fast('ünïcode=1', 'sëcret', hash)).toEqual(original('ünïcode=1', 'sëcret', hash));
    }
    expect(byCcxt).toBe(2); // one probe per hash (SHA-256, SHA-512); every signature by Node
  });

  it('leaves to ccxt a hash it cannot prove to be the one it looks like', async () => {
    const ccxt = await loadCcxt();
    const kraken = new ccxt.krakenfutures({ apiKey: 'k', secret: Buffer.from('s').toString('base64') });
    const [call] = hmacCallsOf(kraken, ['sendorder', 'private', 'POST', { symbol: 'PF_XBTUSD' }]);
    const sha512 = call![2] as Call[2] & { create: unknown };
    // SHA-512 inside, sized like SHA-256 outside
    const impostor = Object.assign((m: Uint8Array) => sha512(m), { ...sha512, outputLen: 32, blockLen: 64 });
    let byCcxt = 0;
    const original = ((...args: Call) => {
      byCcxt += 1;
      return kraken.hmac(...args);
    }) as Hmac;
    const fast = nativeHmac(original);
    const a = fast('x=1', 'secret', impostor);
    const b = fast('x=2', 'secret', impostor);
    expect([a, b]).toEqual([kraken.hmac('x=1', 'secret', impostor), kraken.hmac('x=2', 'secret', impostor)]);
    expect(byCcxt).toBe(3); // the probe, then both calls
  });
});
