import type { FakeBybit } from '@verzek/test-support';
import { expect } from 'vitest';
import type { Session, TestServer } from './harness';

/** Shared steps of the Bybit tests (bybit-*.test.ts); the venue-neutral ones are in binance-helpers. */

/** Env for a server whose Bybit is the fake. */
export function bybitEnv(fake: FakeBybit, extra: Record<string, string> = {}): Record<string, string> {
  return {
    BYBIT_URL: fake.url,
    EXCHANGE_POLL_MS: '500',
    EXCHANGE_TIMEOUT_MS: '2000',
    ...extra,
  };
}

/** Connects the user's bybit account (demo = testnet) with keys of a new fake account. */
export async function connectBybit(
  s: TestServer,
  user: Session,
  fake: FakeBybit,
  opts: { mode?: 'testnet' | 'mainnet'; hedge?: 0 | 1 } = {},
): Promise<{ apiKey: string; secret: string }> {
  const keys = fake.addAccount();
  const r = await s.api.post(
    '/api/exchanges/connect',
    {
      provider: 'bybit',
      mode: opts.mode ?? 'testnet',
      api_key: keys.apiKey,
      api_secret: keys.secret,
      leverage_default: 10,
      margin_mode: 'ISOLATED',
      hedge_mode: opts.hedge ?? 0,
    },
    user.token,
  );
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return keys;
}

/** Client ids (orderLinkIds) the fake saw more than one order for. */
export function duplicateLinkIds(fake: FakeBybit): string[] {
  return [...fake.linkIdCounts().entries()].filter(([, n]) => n > 1).map(([k]) => k);
}
