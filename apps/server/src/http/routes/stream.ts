import type { ServerResponse } from 'node:http';
import { ErrorBody } from '@verzek/contract';
import { z } from 'zod';
import type { AppContext } from '../../context';
import type { LiveEvent } from '../../events/bus';
import { tooManyRequests } from '../../errors';
import { effectivePlan } from '../../services/users/plan';
import { authenticate, caller } from '../guards';
import type { App } from '../types';

const MAX_STREAMS_PER_USER = 5;
const HEARTBEAT_MS = 15_000;

/**
 * `GET /api/stream`: server-sent events for the caller — new signals and follow-ups (VIP and up),
 * their own positions and blocked trades, and safety changes. Browsers' EventSource cannot send
 * headers, so the access token may come as `?access_token=` (redacted from logs).
 */
export function registerStreamRoutes(app: App, ctx: AppContext): void {
  const auth = authenticate(ctx);
  const open = new Map<number, Set<ServerResponse>>();

  app.addHook('onClose', (_instance, done) => {
    for (const set of open.values()) for (const res of set) res.end();
    open.clear();
    done();
  });

  app.get(
    '/api/stream',
    {
      onRequest: async (request) => {
        const q = request.query as { access_token?: unknown };
        if (!request.headers.authorization && typeof q.access_token === 'string') {
          request.headers.authorization = `Bearer ${q.access_token}`;
        }
        await auth(request);
      },
      schema: {
        tags: ['signals'],
        summary: 'Live events (text/event-stream)',
        security: [{ bearer: [] }],
        querystring: z.object({ access_token: z.string().max(2048).optional() }),
        response: { 401: ErrorBody, 429: ErrorBody },
      },
    },
    (request, reply) => {
      const user = caller(request);
      const set = open.get(user.id) ?? new Set<ServerResponse>();
      if (set.size >= MAX_STREAMS_PER_USER) {
        throw tooManyRequests(
          'too_many_streams',
          `At most ${MAX_STREAMS_PER_USER} live streams per user`,
          30,
        );
      }
      const seesSignals = user.role === 'ADMIN' || effectivePlan(user, ctx.clock.now()) !== 'TRIAL';
      const visible = (e: LiveEvent): boolean => {
        if (e.audience === 'all') return true;
        if ('userId' in e.audience) return e.audience.userId === user.id;
        return seesSignals;
      };

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(`retry: 3000\nevent: ready\ndata: ${JSON.stringify({ user_id: user.id })}\n\n`);
      set.add(res);
      open.set(user.id, set);

      const off = ctx.bus.subscribe((event) => {
        if (visible(event)) res.write(`event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
      });
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
      heartbeat.unref();
      const close = () => {
        off();
        clearInterval(heartbeat);
        set.delete(res);
        if (set.size === 0) open.delete(user.id);
      };
      request.raw.on('close', close);
      res.on('close', close);
    },
  );
}
