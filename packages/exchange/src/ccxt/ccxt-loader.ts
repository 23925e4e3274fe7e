import type ccxtModule from 'ccxt';

export type Ccxt = typeof ccxtModule;

let loaded: Ccxt | null = null;
let loading: Promise<Ccxt> | null = null;

/**
 * ccxt (about a second to import) is loaded on first use of a live adapter, so processes and tests
 * that only trade on paper never pay for it.
 */
export function loadCcxt(): Promise<Ccxt> {
  loading ??= import('ccxt').then((m) => {
    loaded = m.default;
    return loaded;
  });
  return loading;
}

/** ccxt if it was loaded already (an error from ccxt implies it was). */
export function loadedCcxt(): Ccxt | null {
  return loaded;
}
