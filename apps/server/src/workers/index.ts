import type { AppContext } from '../context';
import { defaultReportSink } from '../services/reports/sink';
import { circuitBreakerJob } from './jobs/circuit-breaker';
import { dailyReportJob } from './jobs/daily-report';
import { dailyStatsCloseJob, dailyStatsJob } from './jobs/daily-stats';
import { exchangeKeysJob } from '../services/exchanges/permission-job';
import { planLifecycleJob } from './jobs/plan-lifecycle';
import { pruneTokensJob } from './jobs/prune-tokens';
import { pushJob } from './jobs/push';
import { verifyPaymentsJob } from './jobs/verify-payments';
import { Scheduler } from './scheduler';
import { SignalOutcomeMonitor } from './signal-outcomes';
import { telegramReportSink } from '../telegram/report-sink';
import { telegramSettings } from '../telegram/settings';

export interface Workers {
  scheduler: Scheduler;
  /** Signal outcomes against the market (admin signal statistics). */
  outcomes: SignalOutcomeMonitor;
  stop(): Promise<void>;
}

/** Starts the background work of the worker role; `owner` names this process (its heartbeat's). */
export function startWorkers(ctx: AppContext, owner: string): Workers {
  const scheduler = new Scheduler({
    owner,
    db: ctx.db,
    clock: ctx.clock,
    logger: ctx.logger.child({ component: 'scheduler' }),
  });
  scheduler.add(pruneTokensJob(ctx));
  scheduler.add(verifyPaymentsJob(ctx));
  scheduler.add(planLifecycleJob(ctx));
  scheduler.add(exchangeKeysJob(ctx));
  scheduler.add(circuitBreakerJob(ctx));
  scheduler.add(dailyStatsJob(ctx));
  scheduler.add(dailyStatsCloseJob(ctx));
  scheduler.add(pushJob(ctx));
  // Where the daily report goes: add a sink here (e.g. the Telegram VIP/TRIAL groups).
  const telegram = telegramSettings(ctx);
  scheduler.add(
    dailyReportJob(ctx, [
      defaultReportSink(ctx.logger.child({ component: 'reports' })),
      ...(telegram ? [telegramReportSink(telegram)] : []),
    ]),
  );
  scheduler.start();
  const outcomes = new SignalOutcomeMonitor(ctx);
  void outcomes
    .start()
    .catch((err: unknown) => ctx.logger.error({ err }, 'signal outcome monitor: first sync failed'));
  ctx.logger.info({ owner: scheduler.owner }, 'workers started');
  return {
    scheduler,
    outcomes,
    async stop() {
      await outcomes.stop();
      await scheduler.stop();
    },
  };
}
