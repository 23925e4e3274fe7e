import { dec, decStr, tryDec } from '@verzek/core';
import type { Logger } from '@verzek/platform';
import type { Exchange } from 'ccxt';
import { ExchangeError } from '../port';
import { installNativeHmac } from './native-hmac';
import { RequestGate, type GateLimits, type RequestCost, type ResponseInfo } from './request-gate';
import type { ApiCredentials, VenueEnvironment } from './types';

/*
 * What the ccxt adapters after Binance (Phemex, Kraken Futures) share per exchange environment: one
 * rate-limit gate, one template client whose derived per-account clients share its URL table,
 * options, markets and connection pool, and the market list cached for an hour. Binance keeps its
 * own environment class (binance-futures.ts) with its clock resync and leverage brackets.
 */

export type Json = Record<string, unknown>;

/** A ccxt client that reports every REST response (status, headers) to a per-account hook. */
export type HookedClient = Exchange & { responseHook: ((info: ResponseInfo) => void) | null };

/** Wraps the instance's `onRestResponse` so derived clients (Object.create) report to their own hook. */
export function installResponseHook(client: Exchange): HookedClient {
  const c = client as HookedClient;
  c.responseHook = null;
  const base = Object.getPrototypeOf(client) as Exchange;
  c.onRestResponse = function (
    this: HookedClient,
    statusCode: number,
    statusText: string,
    url: string,
    method: string,
    responseHeaders: Record<string, string> | undefined,
    responseBody: string,
    requestHeaders: unknown,
    requestBody: unknown,
  ): unknown {
    if (this.responseHook) {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(responseHeaders ?? {})) headers[k.toLowerCase()] = String(v);
      this.responseHook({ status: statusCode, headers, body: statusCode >= 400 ? responseBody : undefined });
    }
    return base.onRestResponse.call(
      this,
      statusCode,
      statusText,
      url,
      method,
      responseHeaders,
      responseBody,
      requestHeaders,
      requestBody,
    ) as unknown;
  };
  return c;
}

/**
 * Points a client's REST URLs at `restUrl` (fakes and tests only): the APIs in `used` keep their
 * paths on the new host; every other API goes to a dead local port, so nothing leaves the machine.
 */
export function overrideRestUrls(client: Exchange, restUrl: string, used: readonly string[]): void {
  const base = restUrl.replace(/\/+$/, '');
  const api = client.urls.api as Record<string, string>;
  for (const key of Object.keys(api)) {
    // Some tables hold `{hostname}` placeholders, which URL() refuses: take the path by hand.
    const path = api[key]!.replace(/^https?:\/\/[^/]+/, '');
    api[key] = used.includes(key) ? base + path : `http://127.0.0.1:9${path}`;
  }
}

/** What a derived client needs of its template: a ccxt client with a response hook. */
type Hooked = Exchange & { responseHook: ((info: ResponseInfo) => void) | null };

/**
 * An account's signing client: a light object on top of the environment's template client (its
 * prototype) with its own credentials, options and response hook. Building a ccxt exchange costs
 * 10–20 ms of CPU and megabytes; deriving one costs nothing, and the accounts of an environment share
 * what is the same for all of them — URL table, options, markets, the HTTP connection pool and proxy
 * dispatcher. Its own options (inheriting the template's): ccxt remembers per client that a key once
 * authenticated (Binance reads a later -2015 as a temporary ban), which must not leak between
 * accounts. ccxt signs with `this.apiKey`/`this.secret`, the documented way to set credentials.
 */
export function deriveAccountClient<C extends Hooked>(
  template: C,
  credentials: ApiCredentials,
  onResponse: (info: ResponseInfo) => void,
): C {
  const c = Object.create(template) as C;
  c.options = Object.create(template.options) as typeof template.options;
  c.apiKey = credentials.apiKey;
  c.secret = credentials.secret;
  if (credentials.passphrase !== undefined) c.password = credentials.passphrase;
  c.responseHook = onResponse;
  return c;
}

/**
 * Makes a freshly built client an environment's template: its public traffic is reported to the
 * gate, it signs with Node's HMAC, and the fetch implementation and proxy modules are loaded once here, so derived account
 * clients share them instead of each loading its own.
 */
export async function prepareTemplate<C extends Hooked>(c: C, gate: RequestGate): Promise<C> {
  c.responseHook = (info) => gate.observe('public', info);
  installNativeHmac(c);
  await c.loadFetchImplementation();
  await c.loadProxyModules();
  return c;
}

export interface VenueSpec {
  /** Prefix of messages ("phemex"). */
  name: string;
  limits: GateLimits;
  /** A configured client (credentials, demo URLs, overrides, proxy) with the response hook installed. */
  createClient(env: VenueEnvironment, credentials: ApiCredentials | null): Promise<HookedClient>;
  /** Reads the venue's tradeable markets, keyed by the venue's symbol id. */
  listMarkets(client: HookedClient): Promise<Map<string, Json>>;
  /** Gate cost of listing the markets. */
  marketsCost: RequestCost;
  marketsTtlMs?: number;
}

/** What every account of one environment (venue + mode + host + egress) shares. */
export class CcxtVenueEnvironment {
  readonly gate: RequestGate;
  private publicClientP: Promise<HookedClient> | null = null;
  private markets: { at: number; loading: Promise<Map<string, Json>> } | null = null;

  constructor(
    readonly env: VenueEnvironment,
    private readonly spec: VenueSpec,
    options: { limits?: Partial<GateLimits>; logger?: Logger } = {},
  ) {
    this.gate = new RequestGate({ ...spec.limits, ...options.limits });
    this.logger = options.logger;
  }

  readonly logger: Logger | undefined;

  /** An account's signing client, derived from the template ({@link deriveAccountClient}). */
  async client(credentials: ApiCredentials, onResponse: (info: ResponseInfo) => void): Promise<HookedClient> {
    return deriveAccountClient(await this.publicClient(), credentials, onResponse);
  }

  private publicClient(): Promise<HookedClient> {
    this.publicClientP ??= this.spec.createClient(this.env, null).then((c) => prepareTemplate(c, this.gate));
    return this.publicClientP;
  }

  /** Loads ccxt, the client and the market list ahead of the first signal. */
  async warmUp(): Promise<void> {
    await this.publicClient();
    await this.marketList();
  }

  /** The venue's market by its id, or null when it has none (cached for every account). */
  async market(id: string): Promise<Json | null> {
    return (await this.marketList()).get(id) ?? null;
  }

  private async marketList(): Promise<Map<string, Json>> {
    const now = Date.now();
    if (!this.markets || now - this.markets.at > (this.spec.marketsTtlMs ?? 3_600_000)) {
      const loading = this.publicClient().then((c) =>
        this.gate.run('public', this.spec.marketsCost, () => this.spec.listMarkets(c)),
      );
      this.markets = { at: now, loading };
      loading.catch(() => {
        if (this.markets?.loading === loading) this.markets = null;
      });
    }
    try {
      return await this.markets.loading;
    } catch (err) {
      if (err instanceof ExchangeError) throw err;
      throw new ExchangeError(
        'retryable',
        `${this.spec.name} market list failed: ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      );
    }
  }

  close(): void {
    this.gate.close();
    const p = this.publicClientP;
    this.publicClientP = null;
    void p
      ?.then(async (c) => {
        const dispatcher = (c as unknown as { fetchDispatcher?: { close?: () => Promise<void> } })
          .fetchDispatcher;
        await dispatcher?.close?.();
      })
      .catch(() => undefined);
  }
}

/** A venue's decimal (string, or a JSON number as Kraken sends them) in canonical form. */
export function venueDec(v: unknown, fallback: string): string {
  if (v === undefined || v === null || v === '') return fallback;
  const d = tryDec(typeof v === 'number' ? String(v) : v);
  return d ? decStr(d) : fallback;
}

/** Sum of qty × price over fills, divided by the quantity: the average price (null without fills). */
export function averagePrice(fills: readonly { qty: string; price: string }[]): string | null {
  let qty = dec(0);
  let quote = dec(0);
  for (const f of fills) {
    qty = qty.plus(f.qty);
    quote = quote.plus(dec(f.qty).mul(f.price));
  }
  return qty.gt(0) ? decStr(quote.div(qty).toDecimalPlaces(12)) : null;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
