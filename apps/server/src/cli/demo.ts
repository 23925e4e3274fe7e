import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createContext } from '../context';
import { seedDemo } from '../demo/seed';
import { demoSignalJob } from '../demo/signal-job';
import { narrateDemo } from '../demo/watch';
import { startServer, stopOnSignals } from '../server';
import { DEFAULT_WEB_APP_DIR, webAppAvailable } from '../http/web-app';
import { ensureWebApp } from './build-web-app';
import { cliConfig } from './env';
import type { CliIo } from './main';

/** Seconds between demo signals unless `--signal-every` says otherwise. */
export const DEMO_SIGNAL_EVERY_S = 120;
/** The first demo signal comes this long after start (time to read the banner and connect). */
const FIRST_SIGNAL_AFTER_MS = 10_000;
/**
 * Per-second volatility of the demo's simulated prices, in percent: with 1 s ticks a 0.3 % target
 * is typically reached in under a minute and a 0.8 % stop in a few, so trades open, take profit and
 * stop out while you watch (the default 0.05 % is closer to a real market and slower).
 */
const DEMO_SIM_VOLATILITY_PCT = '0.08';

/**
 * The whole platform on SQLite in a throw-away folder, with demo accounts, on simulated prices
 * (never the live Binance feed), and a "demo" signal source posting a signal every two minutes that
 * the PREMIUM demo trader auto-trades on paper. Works offline.
 */
export async function demo(args: { port?: string; 'signal-every'?: string }, io: CliIo): Promise<number> {
  const everyS = args['signal-every'] === undefined ? DEMO_SIGNAL_EVERY_S : Number(args['signal-every']);
  if (!Number.isInteger(everyS) || (everyS !== 0 && (everyS < 10 || everyS > 86_400))) {
    io.err('--signal-every must be 0 (no demo signals) or whole seconds from 10 to 86400\n');
    return 2;
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verzek-demo-'));
  const config = cliConfig({
    DATA_DIR: dataDir,
    DATABASE_URL: `sqlite:${path.join(dataDir, 'verzek.db')}`,
    PORT: args.port,
    // The demo runs offline on simulated prices, whatever the environment says.
    MARKET_FEED: 'sim',
    SIM_TICK_MS: '1000',
    SIM_VOLATILITY_PCT: DEMO_SIM_VOLATILITY_PCT,
  });
  // Tests (NODE_ENV=test) never wait for a build: they get the API, and the app if it is built.
  const webDir = config.app.webAppDir ?? DEFAULT_WEB_APP_DIR;
  const webApp = config.env === 'test' ? webAppAvailable(webDir) : ensureWebApp(webDir, io);
  const ctx = await createContext(config, { role: 'all' });
  const { accounts, source } = await seedDemo(ctx);
  const server = await startServer(ctx);
  const removeData = () => fs.rmSync(dataDir, { recursive: true, force: true });
  process.once('exit', removeData);
  stopOnSignals(server, ctx);
  narrateDemo(ctx);
  if (everyS > 0) {
    server.workers?.scheduler.add(
      demoSignalJob(ctx, { everyMs: everyS * 1000, firstAfterMs: FIRST_SIGNAL_AFTER_MS }),
    );
  }

  const base = server.url ?? `http://${config.host}:${config.port}`;
  const width = Math.max(...accounts.map((a) => a.email.length));
  const trader = accounts.find((a) => a.plan === 'PREMIUM' && a.role !== 'ADMIN') ?? accounts[1];
  const every = everyS % 60 === 0 ? `${everyS / 60} min` : `${everyS} s`;
  io.out(
    [
      '',
      'Verzek Auto Trader — demo',
      ...(webApp ? [`  App      ${base}/   (log in with an account below)`] : []),
      `  API      ${base}/api/ping`,
      `  API docs ${base}/docs`,
      `  health   ${base}/health`,
      `  data     ${dataDir} (deleted on exit)`,
      '',
      '  Accounts (passwords are random for this run):',
      ...accounts.map(
        (a) =>
          `    ${a.email.padEnd(width)}  ${a.password}  ${a.role === 'ADMIN' ? 'ADMIN' : a.plan}` +
          (a === trader ? '  (auto-trades every signal on paper, 10 000 USDT)' : ''),
      ),
      '',
      everyS > 0
        ? [
            `  What happens: prices are simulated (BTCUSDT, ETHUSDT). In about ${FIRST_SIGNAL_AFTER_MS / 1000} s, then every ${every},`,
            `  the "${source.name}" source posts a LONG or SHORT signal at the current price (take-profits`,
            '  0.3/0.6/1.2 % away, stop 0.8 %). The trader’s paper position opens at market and takes profit',
            '  or stops out by price within minutes; the log below narrates each step.',
          ].join('\n')
        : '  Demo signals are off (--signal-every 0): post your own (below).',
      '',
      '  Watch it (as the trader):',
      `    TOKEN=$(curl -s -X POST ${base}/api/auth/login -H 'content-type: application/json' \\`,
      `      -d '{"email":"${trader?.email}","password":"${trader?.password}"}' | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')`,
      `    curl -N "${base}/api/stream?access_token=$TOKEN"                    # live signals and positions`,
      `    curl -s -H "authorization: Bearer $TOKEN" ${base}/api/signals     # the signal feed`,
      `    curl -s -H "authorization: Bearer $TOKEN" ${base}/api/positions   # the trader's positions`,
      '',
      `  Post a signal yourself as the "${source.name}" source (no entry = at market):`,
      `    curl -s -X POST '${base}/api/webhook/signal?source=${source.name}' -H 'content-type: application/json' \\`,
      `      -d '{"secret":"${source.secret}","symbol":"ETHUSDT","side":"buy","tp":[3400,3500],"sl":3150}'`,
      '',
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  return 0;
}
