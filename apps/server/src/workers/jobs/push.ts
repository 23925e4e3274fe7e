import type { AppContext } from '../../context';
import { createExpoClient } from '../../services/push/expo-client';
import { createPushSender } from '../../services/push/sender';
import type { ScheduledJob } from '../scheduler';

/** Push notifications to the iOS/Android app through Expo (docs/app.md). */
export function pushJob(ctx: AppContext): ScheduledJob {
  const sender = createPushSender({
    db: ctx.db,
    expo: createExpoClient({ baseUrl: ctx.config.app.pushUrl, accessToken: ctx.config.app.pushAccessToken }),
    logger: ctx.logger.child({ component: 'push' }),
  });
  return {
    name: 'push',
    schedule: { everyMs: ctx.config.app.pushPollMs },
    async run({ now }) {
      const r = await sender.tick(now);
      if (r.queued || r.sent || r.failed || r.unknown || r.delivered) ctx.logger.debug({ ...r }, 'push pass');
    },
  };
}
