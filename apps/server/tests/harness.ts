import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createLogger, loadConfig, ManualClock } from '@verzek/platform';
import type { TestDatabase } from '@verzek/test-support';
import type { LightMyRequestResponse } from 'fastify';
import { createContext, type AppContext } from '../src/context';
import { createAdmin } from '../src/services/users/create-admin';
import { startTradingRuntime, type TradingRuntime } from '../src/trading/runtime';
import { buildApp } from '../src/http/app';
import type { App } from '../src/http/types';

export interface TestServer {
  app: App;
  ctx: AppContext;
  clock: ManualClock;
  logs: string[];
  dataDir: string;
  api: Api;
  trading: TradingRuntime | null;
  close(): Promise<void>;
}

/** An in-process server on the test database, with a manual clock and captured logs. */
export async function startTestServer(
  t: TestDatabase,
  options: { env?: Record<string, string>; clock?: ManualClock; dataDir?: string; trading?: boolean } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'verzek-srv-'));
  const database = t.target.dialect === 'sqlite' ? `sqlite:${t.target.file}` : t.target.url;
  const config = loadConfig(
    {},
    {
      DATA_DIR: dataDir,
      DATABASE_URL: database,
      LOG_LEVEL: 'debug',
      // Tests register many users from one address; the limits get their own tests.
      REGISTER_RATE_LIMIT_PER_HOUR: '100000',
      LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
      // Never the live Binance feed in tests: prices are set by the test.
      MARKET_FEED: 'manual',
      ...options.env,
    },
  );
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString());
      cb();
    },
  });
  const clock = options.clock ?? new ManualClock(Date.UTC(2026, 10, 22, 12));
  const ctx = await createContext(config, { logger: createLogger({ level: 'debug', destination }), clock });
  const app = await buildApp(ctx);
  await app.ready();
  await ctx.feed.start();
  const trading = options.trading ? await startTradingRuntime(ctx, ctx.feed) : null;
  return {
    app,
    ctx,
    clock,
    logs,
    dataDir,
    api: new Api(app),
    trading,
    async close() {
      await app.close();
      await trading?.stop();
      await ctx.close();
    },
  };
}

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
  raw: LightMyRequestResponse;
}

/** Small JSON client over `inject` that records every response body (for secret scans). */
export class Api {
  readonly bodies: string[] = [];
  constructor(private readonly app: App) {}

  async request<T = Record<string, unknown>>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    options: {
      body?: unknown;
      token?: string;
      headers?: Record<string, string>;
      ip?: string;
      rawBody?: string;
    } = {},
  ): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const payload =
      options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (payload !== undefined) headers['content-type'] ??= 'application/json';
    const raw = await this.app.inject({
      method,
      url,
      headers,
      payload,
      remoteAddress: options.ip ?? '127.0.0.1',
    });
    this.bodies.push(raw.body);
    let body: unknown = raw.body;
    try {
      body = JSON.parse(raw.body);
    } catch {
      /* not JSON */
    }
    return { status: raw.statusCode, body: body as T, raw };
  }

  get<T = Record<string, unknown>>(url: string, token?: string) {
    return this.request<T>('GET', url, { token });
  }
  post<T = Record<string, unknown>>(url: string, body?: unknown, token?: string, ip?: string) {
    return this.request<T>('POST', url, { body, token, ip });
  }
  put<T = Record<string, unknown>>(url: string, body?: unknown, token?: string) {
    return this.request<T>('PUT', url, { body, token });
  }
}

export interface Session {
  id: number;
  token: string;
  refresh: string;
  email: string;
  password: string;
}

let counter = 0;

/** Registers a fresh user and returns its session. */
export async function registerUser(api: Api, name?: string): Promise<Session> {
  counter += 1;
  const username = name ?? `user${process.pid}x${counter}`;
  const email = `${username}@example.com`;
  const password = `pw-${username}-secret`;
  const r = await api.post<{ access_token: string; refresh_token: string; user: { id: number } }>(
    '/api/auth/register',
    {
      username,
      email,
      password,
    },
  );
  if (r.status !== 201) throw new Error(`register failed: ${r.status} ${JSON.stringify(r.body)}`);
  return { id: r.body.user.id, token: r.body.access_token, refresh: r.body.refresh_token, email, password };
}

/** An administrator created the way the CLI does it, logged in through the API. */
export async function adminSession(server: TestServer): Promise<Session> {
  counter += 1;
  const email = `admin${counter}@example.com`;
  const password = `admin-pw-${counter}-secret`;
  const { user } = await createAdmin(server.ctx.db, { email, password }, server.clock.now());
  const r = await server.api.post<{ access_token: string; refresh_token: string }>('/api/auth/login', {
    email,
    password,
  });
  if (r.status !== 200) throw new Error(`admin login failed: ${r.status} ${JSON.stringify(r.body)}`);
  return { id: user.id, token: r.body.access_token, refresh: r.body.refresh_token, email, password };
}
