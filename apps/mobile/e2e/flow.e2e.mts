/**
 * End to end: the real server (SQLite, simulated price feed, local SMTP capture) serving the exported
 * web app, driven in Debian's Chromium through playwright-core. One browser, sequential steps.
 * Screenshots of every screen at phone and desktop widths go to a temporary folder (printed), or to
 * docs/screenshots/ with UPDATE_SCREENSHOTS=1 — a test run leaves the checkout as it found it.
 *
 *   npm run export:web -w @verzek/mobile && npm run e2e -w @verzek/mobile
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
// Only the SMTP capture (the package index also loads the vitest DB harness).
import { SmtpCapture } from '../../../test-support/src/smtp-capture';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const dist = path.resolve(here, '../dist');
const shots =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? path.join(repo, 'docs/screenshots')
    : path.join(os.tmpdir(), 'verzek-e2e-screenshots');
const verzek = path.join(repo, 'apps/server/bin/verzek.mjs');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PHONE = { width: 360, height: 780 }; // the narrowest phones we support
const DESKTOP = { width: 1280, height: 860 };
const T = 20_000;

const ADMIN = { email: 'admin@e2e.test', password: 'admin-e2e-passphrase' };
const USER = { username: 'e2e_trader', email: 'trader@e2e.test', password: 'trader-e2e-password' };
const TRIAL = { username: 'e2e_trial', email: 'trial@e2e.test', password: 'trial-e2e-password' };

let server: ChildProcess | null = null;
let browser: Browser | null = null;
let smtp: SmtpCapture;
let base = '';
let dataDir = '';
const serverLog: string[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    DATABASE_URL: `sqlite:${path.join(dataDir, 'verzek.db')}`,
    // The simulated market, as in the demo: a slow random walk, so a signal's ladder (±3 % and more)
    // is never reached while the test runs.
    MARKET_FEED: 'sim',
    SIM_TICK_MS: '500',
    SIM_VOLATILITY_PCT: '0.01',
    LOG_LEVEL: 'warn',
    WEB_APP_DIR: dist,
    TELEGRAM_UPDATES: 'off',
    LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
    REGISTER_RATE_LIMIT_PER_HOUR: '1000',
    EMAIL_RESEND_COOLDOWN_SECONDS: '0',
    EXPO_PUSH_URL: 'http://127.0.0.1:9', // nothing leaves the machine
    // Shown on the payment screen; no payment is submitted, so TronGrid is never asked.
    TRON_WALLET_ADDRESS: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t',
    TRONGRID_URL: 'http://127.0.0.1:9',
    ...extra,
  };
}

async function api<T>(method: string, url: string, body?: unknown, token?: string): Promise<T> {
  const r = await fetch(`${base}${url}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await r.json()) as T;
  if (!r.ok) throw new Error(`${method} ${url}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}

/** The visible element with this testID (the navigator keeps earlier screens mounted, hidden). */
const id = (testId: string) => `[data-testid="${testId}"] >> visible=true`;
const raw = (testId: string) => `[data-testid="${testId}"]`;
const withText = (testId: string, text: string) => `${raw(testId)}:has-text("${text}") >> visible=true`;

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(250);
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: false });
}

async function login(page: Page, who: { email: string; password: string }): Promise<void> {
  await page.goto(`${base}/login`);
  await page.fill(id('login-email'), who.email);
  await page.fill(id('login-password'), who.password);
  await page.click(id('login-submit'));
  await page.waitForSelector(id('screen-dashboard'), { timeout: T });
}

/** Client-side navigation through the app's own links (no reload). */
async function nav(page: Page, testId: string, screen: string): Promise<void> {
  await page.click(id(testId));
  await page.waitForSelector(id(screen), { timeout: T });
}

before(async () => {
  assert.ok(
    fs.existsSync(path.join(dist, 'index.html')),
    `no web export in ${dist}: run npm run export:web first`,
  );
  assert.ok(fs.existsSync(CHROMIUM), `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  fs.mkdirSync(shots, { recursive: true });
  console.log(`screenshots go to ${shots}`);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verzek-e2e-'));
  smtp = new SmtpCapture();
  const smtpUrl = await smtp.start();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const created = spawnSync(
    process.execPath,
    [verzek, 'admin', 'create', '--email', ADMIN.email, '--password-stdin'],
    {
      input: ADMIN.password,
      env: env({}),
      encoding: 'utf8',
    },
  );
  assert.equal(created.status, 0, created.stderr);
  server = spawn(process.execPath, [verzek, 'serve', '--port', String(port)], {
    env: env({ SMTP_URL: smtpUrl, PUBLIC_URL: base, PORT: String(port) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout?.on('data', (d: Buffer) => serverLog.push(d.toString()));
  server.stderr?.on('data', (d: Buffer) => serverLog.push(d.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/api/ping`)).ok) break;
    } catch {
      /* starting */
    }
    if (Date.now() > deadline) throw new Error(`server did not start:\n${serverLog.join('')}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Every name resolves to nothing but localhost and 127.0.0.1: no request can leave the machine.
      '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1',
    ],
  });
});

after(async () => {
  await browser?.close();
  if (server) {
    server.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    if (server.exitCode === null) server.kill('SIGKILL');
  }
  await smtp?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

let userCtx: BrowserContext;
let adminCtx: BrowserContext;
let user: Page;
let admin: Page;

test('register → verify email → log in → the feed (TRIAL: delayed, auto-trade disabled)', async () => {
  userCtx = await browser!.newContext({ viewport: PHONE });
  user = await userCtx.newPage();
  user.on('pageerror', (e) => serverLog.push(`page error: ${e.message}`));
  await user.goto(base);
  await user.waitForSelector(id('screen-welcome'), { timeout: T });
  await shot(user, 'phone-welcome');
  await user.click(id('welcome-register'));
  await user.waitForSelector(id('screen-register'));
  await user.fill(id('register-username'), USER.username);
  await user.fill(id('register-email'), USER.email);
  await user.fill(id('register-password'), 'short');
  await user.click(id('register-submit'));
  await user.waitForSelector(id('register-password-error'));
  await shot(user, 'phone-register-validation');
  await user.fill(id('register-password'), USER.password);
  await user.click(id('register-submit'));
  await user.waitForSelector(id('screen-verify-email'), { timeout: T });
  await shot(user, 'phone-verify-email');

  const mail = await smtp.waitFor(USER.email, 10_000);
  const token = /token=([A-Za-z0-9_%-]+)/.exec(mail.text)?.[1];
  assert.ok(token, 'a verification link in the mail');
  await user.fill(id('verify-token'), decodeURIComponent(token));
  await user.click(id('verify-submit'));
  await user.waitForSelector(id('verify-done'), { timeout: T });

  await user.click(id('verify-continue'));
  await user.waitForSelector(id('screen-dashboard'), { timeout: T });
  await user.click(id('logout'));
  await user.waitForSelector(id('screen-welcome'), { timeout: T });
  await login(user, USER);
  await shot(user, 'phone-dashboard-trial');
  await nav(user, 'nav-feed', 'screen-feed');
  await user.waitForSelector(id('trial-delay'), { timeout: T });
  await shot(user, 'phone-feed-trial');
  await nav(user, 'nav-trade', 'screen-trade');
  await user.waitForSelector(id('trade-upgrade'), { timeout: T });
  assert.equal(
    (await user.getAttribute(id('trade-autotrade-toggle'), 'aria-disabled').catch(() => null)) ?? 'true',
    'true',
  );
  await shot(user, 'phone-trade-trial');
});

test('admin upgrades the user to PREMIUM; the user connects paper and turns auto-trade on', async () => {
  adminCtx = await browser!.newContext({ viewport: DESKTOP });
  admin = await adminCtx.newPage();
  await login(admin, ADMIN);
  await nav(admin, 'nav-admin', 'screen-admin');
  await admin.click(id('admin-tab-users'));
  await admin.fill(id('admin-users-search'), USER.email);
  await admin.click(id(`admin-user-${USER.email}-to-PREMIUM`), { timeout: T });
  await admin.waitForSelector(withText(`admin-user-${USER.email}-plan`, 'PREMIUM'), { timeout: T });
  await shot(admin, 'desktop-admin-users');

  await nav(user, 'nav-settings', 'screen-settings');
  await user.click(id('settings-tab-exchange'));
  await user.click(id('exchange-connect'));
  await user.waitForSelector(id('exchange-connected'), { timeout: T });
  await shot(user, 'phone-settings-exchange');
  await nav(user, 'nav-trade', 'screen-trade');
  await user.waitForSelector(id('trade-preview'), { timeout: T }); // PREMIUM now: no upgrade prompt
  await user.click(id('trade-autotrade-toggle'));
  await nav(user, 'nav-dashboard', 'screen-dashboard');
  await user.waitForSelector(withText('dashboard-autotrade', 'ON'), { timeout: T });
});

test('admin posts a signal → the position appears on the dashboard live → the user closes it → history has the PnL', async () => {
  // The simulated market's ETH price, as the trade preview reports it; the signal is built around it.
  const trader = await api<{ access_token: string }>('POST', '/api/auth/login', {
    email: USER.email,
    password: USER.password,
  });
  const preview = await api<{ market_price: string | null }>(
    'POST',
    '/api/trade/preview',
    { symbol: 'ETHUSDT', side: 'BUY', sl_pct: 3, tp_pct: [3] },
    trader.access_token,
  );
  const market = Number(preview.market_price);
  assert.ok(market > 0, `a market price from the simulated feed, got ${preview.market_price}`);
  const at = (pct: number) => (market * (1 + pct / 100)).toFixed(2);

  await nav(admin, 'nav-admin', 'screen-admin');
  await admin.click(id('admin-tab-signals'));
  await admin.fill(id('admin-signal-symbol'), 'ETHUSDT');
  await admin.fill(id('admin-signal-targets'), `${at(3)}, ${at(6)}`);
  await admin.fill(id('admin-signal-stop'), at(-3));
  await admin.click(id('admin-signal-post'));
  await admin.waitForSelector(id('admin-signal-posted'), { timeout: T });
  await shot(admin, 'desktop-admin-signals');

  const posted = (await admin.textContent(id('admin-signal-posted'))) ?? '';
  assert.match(posted, /1 executions queued, 0 blocked/, posted);

  // No reload: the live stream brings the position in.
  const card = await user.waitForSelector(
    `${raw('dashboard-positions')} [data-testid^="position-"][data-testid$="-status"] >> visible=true`,
    {
      timeout: 30_000,
    },
  );
  const positionId = /position-(\d+)-status/.exec((await card.getAttribute('data-testid')) ?? '')?.[1];
  assert.ok(positionId, 'a position card');
  await user.waitForSelector(withText(`position-${positionId}-status`, 'OPEN'), { timeout: 30_000 });
  await shot(user, 'phone-dashboard-position');

  await user.click(id(`position-${positionId}-close`));
  await user.click(id(`position-${positionId}-close-yes`));
  await user.waitForSelector(id('dashboard-no-positions'), { timeout: 30_000 });

  await nav(user, 'nav-positions', 'screen-positions');
  await user.click(id('positions-tab-history'));
  await user.waitForSelector(id(`position-${positionId}`), { timeout: T });
  // The history shows the realized PnL the server booked (whichever way the market went), signed.
  const history = await api<{ items: { id: number; realized_pnl_usdt: string }[] }>(
    'GET',
    '/api/positions/history?days=1',
    undefined,
    trader.access_token,
  );
  const closed = history.items.find((p) => String(p.id) === positionId);
  assert.ok(closed, `position ${positionId} in the history`);
  const pnl = (await user.textContent(id(`position-${positionId}-pnl`))) ?? '';
  assert.match(pnl, /^[+-]?\d[\d,]*(\.\d+)? USDT/, `a realized PnL, got "${pnl}"`);
  assert.equal(
    pnl.startsWith('-'),
    Number(closed.realized_pnl_usdt) < 0,
    `${pnl} vs ${closed.realized_pnl_usdt}`,
  );
  const realized = (await user.textContent(id('history-realized'))) ?? '';
  assert.match(realized, /^[+-]?\d[\d,]*(\.\d+)? USDT/, realized);
  await shot(user, 'phone-positions-history');
});

test('a TRIAL user sees auto-trade disabled', async () => {
  const ctx = await browser!.newContext({ viewport: PHONE });
  const page = await ctx.newPage();
  await page.goto(`${base}/register`);
  await page.fill(id('register-username'), TRIAL.username);
  await page.fill(id('register-email'), TRIAL.email);
  await page.fill(id('register-password'), TRIAL.password);
  await page.click(id('register-submit'));
  await page.waitForSelector(id('screen-verify-email'), { timeout: T });
  await page.goto(`${base}/trade`);
  await page.waitForSelector(id('trade-upgrade'), { timeout: T });
  assert.equal(await page.isVisible(id('trade-preview')), false);
  await ctx.close();
});

test('screenshots of every screen at phone and desktop widths', async () => {
  const userScreens: [string, string, string?][] = [
    ['dashboard', 'screen-dashboard'],
    ['onboarding', 'screen-onboarding'],
    ['feed', 'screen-feed'],
    ['positions', 'screen-positions'],
    ['trade', 'screen-trade'],
    ['settings?section=general', 'screen-settings', 'settings-general'],
    ['settings?section=exchange', 'screen-settings', 'settings-exchange'],
    ['settings?section=strategy', 'screen-settings', 'settings-strategy'],
    ['settings?section=risk', 'screen-settings', 'settings-risk'],
    ['settings?section=dca', 'screen-settings', 'settings-dca'],
    ['settings?section=security', 'screen-settings', 'settings-security'],
    ['plans', 'screen-plans'],
    ['telegram', 'screen-telegram'],
    ['faq', 'screen-faq'],
  ];
  const adminScreens: [string, string, string?][] = [
    'overview',
    'users',
    'payments',
    'signals',
    'partners',
    'safety',
    'approvals',
  ].map((tab) => [`admin?tab=${tab}`, 'screen-admin', undefined]);
  const feed = await api<{ items: { id: number }[] }>(
    'GET',
    '/api/signals',
    undefined,
    (await api<{ access_token: string }>('POST', '/api/auth/login', ADMIN)).access_token,
  );
  const signalId = feed.items[0]?.id;
  if (signalId) userScreens.push([`signals/${signalId}`, 'screen-signal']);

  for (const [label, viewport] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    const ctx = await browser!.newContext({ viewport });
    const page = await ctx.newPage();
    for (const [route, screen] of [
      ['welcome', 'screen-welcome'],
      ['login', 'screen-login'],
      ['register', 'screen-register'],
    ]) {
      await page.goto(`${base}/${route}`);
      await page.waitForSelector(id(screen!), { timeout: T });
      await shot(page, `${label}-${route}`);
    }
    await login(page, USER);
    for (const [route, screen, part] of userScreens) {
      await page.goto(`${base}/${route}`);
      await page.waitForSelector(id(part ?? screen), { timeout: T });
      await shot(
        page,
        `${label}-${route.replace(/[?=/]/g, '-').replace(/section-|-+/g, (m) => (m === 'section-' ? '' : '-'))}`,
      );
    }
    await page.click(id('logout'));
    await page.waitForSelector(id('screen-welcome'), { timeout: T });
    await login(page, ADMIN);
    for (const [route, screen] of adminScreens) {
      await page.goto(`${base}/${route}`);
      await page.waitForSelector(id(screen), { timeout: T });
      await page.waitForTimeout(400);
      await shot(page, `${label}-${route.replace('?tab=', '-')}`);
    }
    await ctx.close();
  }
});

test('the kill switch halts everyone: HALTED banner', async () => {
  await nav(admin, 'nav-admin', 'screen-admin');
  await admin.click(id('admin-tab-safety'));
  await admin.click(id('admin-kill-on'));
  await admin.click(id('admin-kill-on-yes'));
  await admin.waitForSelector(id('halted-banner'), { timeout: T });
  await shot(admin, 'desktop-halted');
  await user.goto(`${base}/dashboard`);
  await user.waitForSelector(id('halted-banner'), { timeout: T });
  await shot(user, 'phone-halted');
  await admin.click(id('admin-kill-off'));
  await admin.click(id('admin-kill-off-yes'));
  await admin.waitForSelector(id('halted-banner'), { state: 'detached', timeout: T });
  await userCtx.close();
  await adminCtx.close();
});
