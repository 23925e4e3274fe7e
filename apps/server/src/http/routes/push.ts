import { ErrorBody, OkBody, PushTokenBody, PushTokenDeleteBody, PushTokenView } from '@verzek/contract';
import { deletePushToken, upsertPushToken } from '@verzek/db';
import type { AppContext } from '../../context';
import { authenticate, caller } from '../guards';
import type { App } from '../types';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };
const security = [{ bearer: [] }];

/** The app registers its Expo push token after login and removes it on logout. */
export function registerPushRoutes(app: App, ctx: AppContext): void {
  const auth = authenticate(ctx);

  app.post(
    '/api/push/tokens',
    {
      onRequest: auth,
      schema: {
        tags: ['push'],
        summary: 'Register this device’s Expo push token (notifications follow Settings → General)',
        security,
        body: PushTokenBody,
        response: { 200: PushTokenView, ...errors },
      },
    },
    async (request) => {
      const row = await upsertPushToken(ctx.db, {
        userId: caller(request).id,
        token: request.body.token,
        platform: request.body.platform,
        device: request.body.device ?? null,
        now: ctx.clock.now(),
      });
      return { token: row.token, platform: row.platform, created_at: new Date(row.created_at).toISOString() };
    },
  );

  app.delete(
    '/api/push/tokens',
    {
      onRequest: auth,
      schema: {
        tags: ['push'],
        summary: 'Stop push notifications to a device',
        security,
        body: PushTokenDeleteBody,
        response: { 200: OkBody, ...errors },
      },
    },
    async (request) => {
      const removed = await deletePushToken(ctx.db, request.body.token, caller(request).id);
      return { ok: true as const, message: removed ? 'Removed' : 'Not registered' };
    },
  );
}
