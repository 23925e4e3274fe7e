import { ErrorBody } from '@verzek/contract';
import type { ManualFeed } from '@verzek/exchange';
import { z } from 'zod';
import type { AppContext } from '../../context';
import { badRequest } from '../../errors';
import { authenticate, requireAdmin } from '../guards';
import type { App } from '../types';

const PriceBody = z.strictObject({
  symbol: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9]{2,20}$/, 'a symbol like BTCUSDT'),
  price: z.union([z.string().max(40), z.number().positive()]),
});

const PriceTickView = z.object({ symbol: z.string(), price: z.string(), ts: z.number() });

/**
 * `POST /api/admin/market/price`: sets a price on the manual feed (demos and black-box tests).
 * The route exists only when MARKET_FEED=manual.
 */
export function registerMarketRoutes(app: App, ctx: AppContext): void {
  if (ctx.feed.kind !== 'manual') return;
  const feed = ctx.feed as ManualFeed;
  app.post(
    '/api/admin/market/price',
    {
      onRequest: [authenticate(ctx), requireAdmin],
      schema: {
        tags: ['admin'],
        summary: 'Set a market price (MARKET_FEED=manual only)',
        security: [{ bearer: [] }],
        body: PriceBody,
        response: { 200: PriceTickView, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
    },
    (request) => {
      try {
        const tick = feed.setPrice(request.body.symbol, String(request.body.price));
        return { symbol: tick.symbol, price: tick.price, ts: tick.ts };
      } catch (err) {
        throw badRequest('invalid_price', err instanceof Error ? err.message : 'invalid price');
      }
    },
  );
}
