import { safeEqual } from '@verzek/platform';
import Fastify, { type FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context';
import { forbidden, unauthorized } from '../errors';
import { errorHandler, notFoundHandler } from '../http/error-handler';
import type { App } from '../http/types';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

function isLoopback(ip: string): boolean {
  return ip === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ip);
}

/**
 * Who may read `/metrics` (they reveal business figures: users trading, queue sizes, block reasons):
 * - with METRICS_TOKEN set, whoever sends `Authorization: Bearer <METRICS_TOKEN>`, and nobody else
 *   (401), wherever they connect from;
 * - without it, loopback clients only (403 otherwise). A loopback connection carrying
 *   `X-Forwarded-For` is a reverse proxy relaying someone else and is refused too, unless TRUST_PROXY
 *   is on (then `request.ip` already is the original client's address).
 */
export function checkMetricsAccess(ctx: AppContext, request: FastifyRequest): void {
  const token = ctx.config.metrics.token;
  if (token !== undefined) {
    const given = BEARER.exec(request.headers.authorization ?? '')?.[1];
    if (given === undefined || !safeEqual(given, token)) {
      throw unauthorized('unauthorized', 'Send "Authorization: Bearer <METRICS_TOKEN>"');
    }
    return;
  }
  const proxied = !ctx.config.trustProxy && request.headers['x-forwarded-for'] !== undefined;
  if (!isLoopback(request.ip) || proxied) {
    throw forbidden(
      'forbidden',
      'Metrics are served to local clients only; set METRICS_TOKEN to scrape remotely',
    );
  }
}

function registerMetricsRoute(app: App, ctx: AppContext): void {
  app.get(
    '/metrics',
    {
      onRequest: (request, _reply, done) => {
        try {
          checkMetricsAccess(ctx, request);
          done();
        } catch (err) {
          done(err as Error);
        }
      },
      schema: {
        tags: ['health'],
        summary: 'Prometheus metrics (text format): loopback clients, or Bearer METRICS_TOKEN when it is set',
        security: [{ bearer: [] }],
      },
    },
    async (_request, reply) => {
      const text = await ctx.metrics.scrape();
      return reply
        .header('content-type', ctx.metrics.contentType)
        .header('cache-control', 'no-store')
        .send(text);
    },
  );
}

/**
 * `GET /metrics` on the API, and the request metrics: count and latency of every answered request by
 * method, route pattern (`/api/users/:id/risk`, never the URL with its ids or tokens; `unmatched` for
 * 404s) and status class.
 */
export function registerMetrics(app: App, ctx: AppContext): void {
  app.addHook('onResponse', (request, reply, done) => {
    ctx.metrics.httpRequest(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });
  registerMetricsRoute(app, ctx);
}

/**
 * METRICS_PORT: a listener that serves only `GET /metrics`, on HOST. A `--role worker` process has
 * no API port, so this is how its metrics (venue latency, risk blocks of the intent worker, its
 * process figures) are scraped; on other roles it is a second, metrics-only port.
 */
export async function startMetricsServer(
  ctx: AppContext,
  port: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const app = Fastify({
    logger: false,
    trustProxy: ctx.config.trustProxy,
    requestTimeout: 30_000,
    return503OnClosing: true,
  }).withTypeProvider<ZodTypeProvider>();
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  registerMetricsRoute(app, ctx);
  const url = await app.listen({ port, host: ctx.config.host });
  ctx.logger.info({ url: `${url}/metrics` }, 'metrics listening');
  return { url, close: () => app.close() };
}
