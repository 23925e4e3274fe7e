import { createHmac } from 'node:crypto';
import type { Exchange } from 'ccxt';

type Hmac = Exchange['hmac'];
type HashFn = Parameters<Hmac>[2] & { outputLen?: number; blockLen?: number };

/** Node's name for the hash functions ccxt passes, by (output length / block length) in bytes. */
const BY_SIZE: Record<string, string> = {
  '20/64': 'sha1',
  '32/64': 'sha256',
  '48/128': 'sha384',
  '64/128': 'sha512',
};

/**
 * ccxt signs every private request with pure-JavaScript hashes (@noble); Node's HMAC does the same
 * 3–4× faster (13 → 3 µs per Binance signature). Each hash function ccxt hands over is recognised
 * by its sizes and then proven on a probe against ccxt's own HMAC before it is used; any hash or
 * digest not proven that way is left to ccxt.
 */
export function nativeHmac(original: Hmac): Hmac {
  const verdicts = new WeakMap<object, string | null>();
  const algorithmOf = (hash: HashFn): string | null => {
    let name = verdicts.get(hash);
    if (name === undefined) {
      const guess = BY_SIZE[`${hash.outputLen}/${hash.blockLen}`] ?? null;
      const proven =
        guess !== null &&
        original('probe=1&x=2', 'probe-secret', hash, 'hex') ===
          createHmac(guess, 'probe-secret').update('probe=1&x=2').digest('hex');
      name = proven ? guess : null;
      verdicts.set(hash, name);
    }
    return name;
  };
  return ((request, secret, hash, digest = 'hex') => {
    const name = typeof hash === 'function' ? algorithmOf(hash as HashFn) : null;
    if (name === null || (digest !== 'hex' && digest !== 'base64' && digest !== 'binary'))
      return original(request, secret, hash, digest);
    const mac = createHmac(name, secret as string | Uint8Array).update(request as string | Uint8Array);
    return digest === 'binary' ? new Uint8Array(mac.digest()) : mac.digest(digest);
  }) as Hmac;
}

/** Makes a client (and every client derived from it) sign with {@link nativeHmac}. */
export function installNativeHmac(client: Exchange): void {
  client.hmac = nativeHmac(client.hmac.bind(client));
}
