import type { AppContext } from '../../context';
import { paymentSettings } from '../../services/payments/settings';
import { verifyDuePayments } from '../../services/payments/verifier';
import type { ScheduledJob } from '../scheduler';

/** Checks due PENDING USDT payments on chain every 30 s (see services/payments/verifier.ts). */
export function verifyPaymentsJob(ctx: AppContext): ScheduledJob {
  paymentSettings(ctx.config); // a bad wallet address stops the worker at start, not at the first run
  return {
    name: 'verify-payments',
    schedule: { everyMs: 30_000 },
    async run({ signal }) {
      const summary = await verifyDuePayments(ctx, { signal });
      if (summary.checked > 0) {
        ctx.logger.child({ component: 'payments' }).info(summary, 'payments verified');
      }
    },
  };
}
