import { ErrorBody, PlansResponse } from '@verzek/contract';
import type { AppContext } from '../../context';
import { paymentSettings } from '../../services/payments/settings';
import type { App } from '../types';

const FEATURES = {
  TRIAL: ['Signal feed with a delay and a short history', 'No auto-trading'],
  VIP: [
    'Full real-time signal feed and history',
    'VIP Telegram group',
    'Follow-ups (targets, stop loss, closes)',
  ],
  PREMIUM: [
    'Everything in VIP',
    'Auto-trading of every signal on your own exchange account (paper by default)',
    'Take-profit ladder, stop loss, DCA and the risk engine',
  ],
};

export function registerPlanRoutes(app: App, ctx: AppContext): void {
  const settings = paymentSettings(ctx.config);

  app.get(
    '/api/plans',
    {
      schema: {
        tags: ['payments'],
        summary: 'Plans, prices and where to pay (public)',
        response: { 200: PlansResponse, 500: ErrorBody },
      },
    },
    () => ({
      currency: 'USDT' as const,
      network: 'TRC20' as const,
      token_contract: settings.usdtContract,
      wallet_address: settings.walletAddress,
      payments_enabled: settings.enabled,
      payments_disabled_reason: settings.disabledReason,
      duration_days: settings.durationDays,
      plans: [
        { plan: 'TRIAL' as const, price_usdt: '0', duration_days: null, features: FEATURES.TRIAL },
        {
          plan: 'VIP' as const,
          price_usdt: settings.prices.VIP,
          duration_days: settings.durationDays,
          features: FEATURES.VIP,
        },
        {
          plan: 'PREMIUM' as const,
          price_usdt: settings.prices.PREMIUM,
          duration_days: settings.durationDays,
          features: FEATURES.PREMIUM,
        },
      ],
    }),
  );
}
