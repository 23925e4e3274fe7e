import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { redactUrl } from '@verzek/platform';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { AppContext } from '../context';
import { errorHandler, notFoundHandler } from './error-handler';
import { installJsonParser, refuseNulInUrl } from './json-body';
import { registerAdminRoutes } from './routes/admin';
import { registerAdminBackOfficeRoutes } from './routes/admin-back-office';
import { registerAdminPartnerRoutes } from './routes/admin-partners';
import { registerAuthRoutes } from './routes/auth';
import { registerExchangeRoutes } from './routes/exchanges';
import { registerHealthRoutes } from './routes/health';
import { registerMarketRoutes } from './routes/market';
import { registerPaymentRoutes } from './routes/payments';
import { registerPlanRoutes } from './routes/plans';
import { registerReportRoutes } from './routes/reports';
import { registerSafetyRoutes } from './routes/safety';
import { registerSignalRoutes } from './routes/signals';
import { registerSourceRoutes } from './routes/sources';
import { registerStreamRoutes } from './routes/stream';
import { registerTelegramRoutes } from './routes/telegram';
import { registerTelegramAdminRoutes } from './routes/telegram-admin';
import { registerTradingRoutes } from './routes/trading';
import { registerUserRoutes } from './routes/users';
import { registerWebhookRoutes } from './routes/webhook';
import { registerPushRoutes } from './routes/push';
import { registerMetrics } from '../metrics/metrics-http';
import { recordRoutes } from './route-table';
import type { App } from './types';
import { DEFAULT_WEB_APP_DIR, registerWebApp } from './web-app';

export const BODY_LIMIT_BYTES = 256 * 1024;

/** Builds the HTTP API on a context. Listening is the caller's business (tests use `inject`). */
export async function buildApp(ctx: AppContext): Promise<App> {
  const logger = ctx.logger.child(
    { component: 'http' },
    {
      serializers: {
        req: (req: { method: string; url: string }) => ({ method: req.method, url: redactUrl(req.url) }),
      },
    },
  );
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // One line per request is written by the onResponse hook below (with redacted URLs).
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: ctx.config.trustProxy,
    bodyLimit: BODY_LIMIT_BYTES,
    requestTimeout: 30_000,
    return503OnClosing: true,
  }).withTypeProvider<ZodTypeProvider>();

  recordRoutes(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  installJsonParser(app);
  refuseNulInUrl(app);
  app.setNotFoundHandler(notFoundHandler);
  app.decorateRequest('account', null);
  app.decorateRequest('source', null);

  app.addHook('onResponse', (request, reply, done) => {
    const quiet = request.url === '/api/ping' || request.url.endsWith('/health');
    request.log[quiet ? 'debug' : 'info'](
      {
        method: request.method,
        url: redactUrl(request.url),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
    done();
  });

  await app.register(helmet, { contentSecurityPolicy: false });
  if (ctx.config.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: ctx.config.corsOrigins.includes('*') ? true : ctx.config.corsOrigins,
      allowedHeaders: ['Authorization', 'Content-Type', 'X-API-KEY', 'X-Signature', 'X-Timestamp'],
      methods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
      maxAge: 600,
    });
  }
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, context) => ({
      statusCode: 429,
      error: 'rate_limited',
      message: `Too many requests; retry in ${Math.ceil(context.ttl / 1000)} s`,
    }),
  });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Verzek Auto Trader API',
        version: '0.1.0',
        description: 'Signals, auto-trading, payments and administration. Errors are `{error, reason}`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  registerHealthRoutes(app, ctx);
  registerMetrics(app, ctx);
  registerAuthRoutes(app, ctx);
  registerUserRoutes(app, ctx);
  registerAdminRoutes(app, ctx);
  registerPlanRoutes(app, ctx);
  registerPaymentRoutes(app, ctx);
  registerAdminPartnerRoutes(app, ctx);
  registerAdminBackOfficeRoutes(app, ctx);
  registerSignalRoutes(app, ctx);
  registerStreamRoutes(app, ctx);
  registerWebhookRoutes(app, ctx);
  registerSourceRoutes(app, ctx);
  registerExchangeRoutes(app, ctx);
  registerMarketRoutes(app, ctx);
  registerSafetyRoutes(app, ctx);
  registerTradingRoutes(app, ctx);
  registerReportRoutes(app, ctx);
  registerTelegramRoutes(app, ctx);
  registerTelegramAdminRoutes(app, ctx);
  registerPushRoutes(app, ctx);
  registerWebApp(app, ctx.config.app.webAppDir ?? DEFAULT_WEB_APP_DIR);
  return app;
}
