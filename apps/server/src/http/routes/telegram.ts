import { ErrorBody } from '@verzek/contract';
import { unlinkTelegram } from '@verzek/db';
import { safeEqual } from '@verzek/platform';
import type { Update } from '@verzek/telegram';
import { z } from 'zod';
import type { AppContext } from '../../context';
import { ApiError, unauthorized } from '../../errors';
import { audit } from '../../services/audit';
import { botUsername, createLinkCode, linkStatus } from '../../telegram/linking';
import { telegramSettings } from '../../telegram/settings';
import { handleUpdate } from '../../telegram/updates';
import { authenticate, caller } from '../guards';
import type { App } from '../types';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 503: ErrorBody };
const security = [{ bearer: [] }];

const LinkCreated = z.object({
  url: z.string(),
  code: z.string(),
  expires_at: z.string(),
});

const LinkStatus = z.object({
  linked: z.boolean(),
  telegram_username: z.string().nullable(),
  linked_at: z.string().nullable(),
});

/**
 * Linking a user's Telegram account (`/start <code>` deep link), and the Bot API webhook (when
 * `TELEGRAM_UPDATES=webhook`).
 */
export function registerTelegramRoutes(app: App, ctx: AppContext): void {
  const auth = authenticate(ctx);

  app.post(
    '/api/telegram/link',
    {
      onRequest: auth,
      schema: {
        tags: ['telegram'],
        summary:
          'A single-use, 15-minute deep link that links your Telegram account when opened (/start <code>)',
        security,
        response: { 201: LinkCreated, ...errors },
      },
    },
    async (request, reply) => {
      const user = caller(request);
      if (ctx.config.telegram.botToken === undefined) {
        throw new ApiError(503, 'telegram_disabled', 'Telegram is not configured on this server');
      }
      const username = await botUsername(ctx.db, ctx.config.telegram.botUsername);
      if (username === null) {
        throw new ApiError(
          503,
          'telegram_starting',
          'The bot has not reported its username yet; try again in a minute',
        );
      }
      const { code, expiresAt } = await createLinkCode(ctx.db, user.id, ctx.clock.now());
      void reply.header('cache-control', 'no-store');
      return reply.code(201).send({
        url: `https://t.me/${username}?start=${code}`,
        code,
        expires_at: new Date(expiresAt).toISOString(),
      });
    },
  );

  app.get(
    '/api/telegram/link',
    {
      onRequest: auth,
      schema: {
        tags: ['telegram'],
        summary: 'Whether your Telegram account is linked',
        security,
        response: { 200: LinkStatus, ...errors },
      },
    },
    async (request) => linkStatus(ctx.db, caller(request).id),
  );

  app.delete(
    '/api/telegram/link',
    {
      onRequest: auth,
      schema: {
        tags: ['telegram'],
        summary: 'Unlink your Telegram account',
        security,
        response: { 200: LinkStatus, ...errors },
      },
    },
    async (request) => {
      const user = caller(request);
      const now = ctx.clock.now();
      if (await unlinkTelegram(ctx.db, user.id)) {
        await audit(ctx.db, {
          action: 'telegram_unlinked',
          at: now,
          userId: user.id,
          actorId: user.id,
          ip: request.ip,
        });
      }
      return linkStatus(ctx.db, user.id);
    },
  );

  app.post(
    '/api/telegram/webhook',
    {
      schema: {
        tags: ['telegram'],
        summary:
          'Bot API updates (webhook mode); Telegram proves itself with X-Telegram-Bot-Api-Secret-Token',
        body: z.looseObject({ update_id: z.number().int() }),
        response: { 200: z.object({ ok: z.boolean() }), ...errors },
      },
    },
    async (request) => {
      const settings = telegramSettings(ctx);
      if (!settings || settings.updates !== 'webhook' || settings.webhookSecret === undefined) {
        throw new ApiError(404, 'not_found', 'Route POST /api/telegram/webhook not found');
      }
      const given = request.headers['x-telegram-bot-api-secret-token'];
      if (typeof given !== 'string' || !safeEqual(given, settings.webhookSecret)) {
        throw unauthorized('invalid_webhook_secret', 'Missing or wrong X-Telegram-Bot-Api-Secret-Token');
      }
      await handleUpdate(
        {
          ctx,
          settings,
          logger: ctx.logger.child({ component: 'telegram' }),
          botUsername: (await botUsername(ctx.db, settings.botUsername)) ?? undefined,
        },
        request.body as unknown as Update,
      );
      return { ok: true };
    },
  );
}
