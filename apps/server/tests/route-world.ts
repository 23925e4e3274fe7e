import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PositionState } from '@verzek/core';
import type { TestDatabase } from '@verzek/test-support';
import { expect } from 'vitest';
import { routeTable, type RouteEntry } from '../src/http/route-table';
import { clientOrderId } from '@verzek/exchange';
import { adminSession, registerUser, startTestServer, type Session, type TestServer } from './harness';

/**
 * A server with one user of each plan and resources owned by the PREMIUM user ("A"): a paper
 * position opened from a signal (with its orders), a push token, a paper exchange account. "B" is
 * another (VIP) user who must never reach A's things. Shared by the authorization matrix and the
 * input fuzz.
 */
export interface RouteWorld {
  s: TestServer;
  admin: Session;
  trial: Session;
  vip: Session;
  /** PREMIUM, auto-trading on, email verified: the owner of every resource below. */
  premium: Session;
  /** Another user (VIP), for the cross-user checks. */
  other: Session;
  signalId: number;
  positionId: number;
  clientOrderId: string;
  pushToken: string;
  routes: readonly RouteEntry[];
  close(): Promise<void>;
}

async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function startRouteWorld(
  t: TestDatabase,
  env: Record<string, string> = {},
): Promise<RouteWorld> {
  // A stand-in web app, so the routes that serve it exist whether or not the real app was exported.
  const webApp = fs.mkdtempSync(path.join(os.tmpdir(), 'verzek-web-'));
  fs.writeFileSync(path.join(webApp, 'index.html'), '<!doctype html><title>app</title>');
  const s = await startTestServer(t, {
    trading: true,
    env: {
      WEB_APP_DIR: webApp,
      // Telegram configured (linking answers 201, not 503 "not configured"); its API is a dead port.
      TELEGRAM_BOT_TOKEN: '123456789:TEST-fake-token-for-tests-only_abcdef',
      TELEGRAM_BOT_USERNAME: 'verzek_test_bot',
      TELEGRAM_API_ROOT: 'http://127.0.0.1:9',
      ...env,
    },
  });
  const ok = async (p: Promise<{ status: number; body: unknown }>, status = 200) => {
    const r = await p;
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    return r;
  };
  const admin = await adminSession(s);
  const [trial, vip, premium, other] = [
    await registerUser(s.api),
    await registerUser(s.api),
    await registerUser(s.api),
    await registerUser(s.api),
  ];
  for (const [u, plan] of [
    [vip, 'VIP'],
    [premium, 'PREMIUM'],
    [other, 'VIP'],
  ] as const) {
    await ok(s.api.put(`/api/users/${u.id}/subscription`, { plan }, admin.token));
  }
  for (const u of [trial, vip, premium, other]) {
    await ok(s.api.post(`/api/admin/users/${u.id}/verify-email`, undefined, admin.token));
  }
  await ok(
    s.api.put(
      `/api/users/${premium.id}/strategy`,
      { auto_trade_enabled: true, per_trade_usdt: '100', capital_usdt: '100000' },
      premium.token,
    ),
  );
  await ok(s.api.post('/api/admin/market/price', { symbol: 'BTCUSDT', price: 70000 }, admin.token));
  const posted = await ok(
    s.api.post<{ id: number }>(
      '/api/signals',
      {
        symbol: 'BTCUSDT',
        direction: 'LONG',
        entry: 70000,
        targets: [70500, 71000, 72000],
        stop_loss: 69500,
        leverage: 10,
        trade_type: 'FUTURES',
      },
      admin.token,
    ),
    201,
  );
  const signalId = (posted.body as { id: number }).id;
  const position = await until('the premium user’s paper position', async () => {
    const row = await s.ctx.db
      .selectFrom('positions')
      .select(['id', 'state', 'order_key', 'lease_owner', 'pending_work'])
      .where('signal_id', '=', signalId)
      .where('user_id', '=', premium.id)
      .executeTakeFirst();
    if (!row) return null;
    const state = JSON.parse(row.state) as PositionState;
    // Quiet: the whole ladder live and the engine done with it (released, nothing pending), so the
    // database only changes when a request changes it.
    const live = state.orders.filter((o) => o.status === 'NEW');
    const quiet =
      state.status === 'OPEN' &&
      live.some((o) => o.role === 'stop') &&
      live.filter((o) => o.role === 'tp').length === 3 &&
      row.lease_owner === null &&
      Number(row.pending_work) === 0;
    return quiet ? { row, state } : null;
  });
  const tp = position.state.orders.find((o) => o.role === 'tp')!;
  const pushToken = `ExponentPushToken[owner-${premium.id}-device]`;
  await ok(s.api.post('/api/push/tokens', { token: pushToken, platform: 'ios' }, premium.token));
  return {
    s,
    admin,
    trial,
    vip,
    premium,
    other,
    signalId,
    positionId: position.row.id,
    clientOrderId: clientOrderId(position.row.order_key, tp.leg),
    pushToken,
    routes: routeTable(s.app),
    close: () => s.close(),
  };
}

/** Known routes: if the recorded table lost them, the matrix and the fuzz would test nothing. */
export const KNOWN_ROUTES = [
  'GET /api/ping',
  'POST /api/auth/login',
  'GET /api/users/:id/risk',
  'PUT /api/users/:id/strategy',
  'POST /api/signals',
  'GET /api/signals/:id',
  'POST /api/trade/execute',
  'POST /api/positions/:id/close',
  'GET /api/orders/:positionId',
  'POST /api/orders/:orderId/cancel',
  'POST /api/webhook/signal',
  'POST /api/payments/usdt/initiate',
  'GET /api/admin/overview',
  'DELETE /api/admin/partners/:id',
  'POST /api/push/tokens',
  'GET /metrics',
  'GET /health',
];

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export const routeKey = (r: RouteEntry) => `${r.method} ${r.url}`;

/**
 * The URL of a route for a request "about" a user: `:id` of a `/api/users/…` route and `:userId` are
 * that user; the position, order and signal ids are A's; admin-only ids point nowhere (999999), so
 * no admin action lands on a real row.
 */
export function urlFor(w: RouteWorld, url: string, subjectUserId: number): string {
  if (url === '/*') return '/some/app/screen';
  if (url === '/docs/static/*') return '/docs/static/index.html';
  return url
    .replace(/^\/api\/users\/:id/, `/api/users/${subjectUserId}`)
    .replace(':userId', String(subjectUserId))
    .replace(/^\/api\/positions\/:id/, `/api/positions/${w.positionId}`)
    .replace(':positionId', String(w.positionId))
    .replace(':orderId', w.clientOrderId)
    .replace(/^\/api\/signals\/:id/, `/api/signals/${w.signalId}`)
    .replace(':exchange', 'paper')
    .replace(/:\w+/g, '999999');
}
