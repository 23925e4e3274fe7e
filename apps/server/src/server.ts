import type { AppContext } from './context';
import { buildApp } from './http/app';
import type { App } from './http/types';
import { startTelegram, type TelegramRuntime } from './telegram/runtime';
import { startTradingRuntime, type TradingRuntime } from './trading/runtime';
import { startWorkers, type Workers } from './workers';
import { Heartbeat, waitForOlderWorkers } from './workers/heartbeat';
import { startMetricsServer } from './metrics/metrics-http';

export interface RunningServer {
  app: App | null;
  workers: Workers | null;
  trading: TradingRuntime | null;
  telegram: TelegramRuntime | null;
  url: string | null;
  /** Stops accepting work, lets in-flight requests finish, then closes the context. */
  stop(): Promise<void>;
}

/**
 * Starts what the context's role asks for: the HTTP API (all, api) and the workers (all, worker). A
 * worker announces itself (its heartbeat) first, then waits while workers of an older version are
 * live ({@link waitForOlderWorkers}) before it trades; the API serves meanwhile.
 */
export async function startServer(
  ctx: AppContext,
  options: { port?: number; host?: string; olderWorkersPollMs?: number } = {},
): Promise<RunningServer> {
  let app: App | null = null;
  let url: string | null = null;
  await ctx.feed.start();
  if (ctx.role !== 'worker') {
    app = await buildApp(ctx);
    url = await app.listen({ port: options.port ?? ctx.config.port, host: options.host ?? ctx.config.host });
    ctx.logger.info({ url, role: ctx.role }, 'API listening');
  }
  const heartbeat = ctx.role !== 'api' ? new Heartbeat(ctx) : null;
  if (heartbeat) {
    await heartbeat.start();
    await waitForOlderWorkers(ctx, heartbeat.owner, options.olderWorkersPollMs);
  }
  const trading: TradingRuntime | null = ctx.role !== 'api' ? await startTradingRuntime(ctx, ctx.feed) : null;
  const workers: Workers | null = heartbeat ? startWorkers(ctx, heartbeat.owner) : null;
  const telegram: TelegramRuntime | null = ctx.role !== 'api' ? await startTelegram(ctx) : null;
  // METRICS_PORT: `/metrics` on a port of its own (the only way to scrape a `--role worker` process).
  const metricsPort = ctx.config.metrics.port;
  const metrics = metricsPort === undefined ? null : await startMetricsServer(ctx, metricsPort);
  let stopping: Promise<void> | null = null;
  return {
    app,
    workers,
    trading,
    telegram,
    url,
    stop() {
      stopping ??= (async () => {
        await app?.close();
        await metrics?.close();
        await telegram?.stop();
        await workers?.stop();
        await trading?.stop();
        await heartbeat?.stop();
        await ctx.close();
      })();
      return stopping;
    },
  };
}

/** SIGINT/SIGTERM → graceful stop, bounded so a stuck connection can't keep the process alive. */
export function stopOnSignals(server: RunningServer, ctx: AppContext, graceMs = 10_000): void {
  const onSignal = (signal: NodeJS.Signals) => {
    ctx.logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      ctx.logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, graceMs);
    force.unref();
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        ctx.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}
