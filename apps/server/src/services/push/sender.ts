import { GeneralSettings } from '@verzek/contract';
import {
  advancePushCursor,
  claimPendingPushes,
  deletePushToken,
  enqueuePushes,
  expireStalePushClaims,
  pushCursor,
  pushesAwaitingReceipt,
  pushTokensOfUsers,
  readSettings,
  setPushStatus,
  skipPushesToToken,
  type Db,
  type NewPush,
  type PushOutboxRow,
  type PushTokenRow,
} from '@verzek/db';
import type { Logger } from '@verzek/platform';
import type { Expo, ExpoPushMessage, ExpoPushTicket } from 'expo-server-sdk';

/** The user's notification choices (Settings → General) that push follows. */
type Choice = keyof GeneralSettings['notifications'];

/** Which notices are pushed, under which of the user's choices, with what title. */
const NOTICE_PUSH: Record<string, { choice: Choice; title: string }> = {
  position_opened: { choice: 'position_opened', title: 'Position opened' },
  position_closed: { choice: 'position_closed', title: 'Position closed' },
  trade_blocked: { choice: 'trade_blocked', title: 'Trade blocked' },
  plan_expiring: { choice: 'plan_expiring', title: 'Your plan is expiring' },
  plan_expired: { choice: 'plan_expiring', title: 'Your plan has expired' },
};

export interface PushSenderOptions {
  /** Messages claimed per pass (Expo takes 100 per request; the SDK splits bigger batches). */
  batch?: number;
  /** Expo keeps receipts for a day and asks to wait about 15 minutes before reading them. */
  receiptDelayMs?: number;
  /** A claim older than this belonged to a sender that died mid-send. */
  claimTimeoutMs?: number;
}

interface Deps {
  db: Db;
  expo: Expo;
  logger: Logger;
}

function isUserOnPaidPlanOrAdmin(
  u: { role: string; plan: string; plan_expires_at: number | null },
  now: number,
) {
  if (u.role === 'ADMIN') return true;
  return u.plan !== 'TRIAL' && (u.plan_expires_at === null || u.plan_expires_at > now);
}

async function wants(
  db: Db,
  userId: number,
  choice: Choice,
  cache: Map<number, GeneralSettings>,
): Promise<boolean> {
  let s = cache.get(userId);
  if (!s) {
    const parsed = GeneralSettings.safeParse((await readSettings(db, userId, 'general')) ?? {});
    s = parsed.success ? parsed.data : GeneralSettings.parse({});
    cache.set(userId, s);
  }
  return s.notifications[choice];
}

/** Another sender queued the same rows first: this pass's transaction is rolled back, nothing lost. */
class CursorMoved extends Error {}

/** Runs a queueing transaction; a pass that lost the race to another worker queues nothing. */
async function unlessCursorMoved(run: () => Promise<number>, logger: Logger, name: string): Promise<number> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof CursorMoved)) throw err;
    logger.debug({ cursor: name }, 'push: another sender queued these first');
    return 0;
  }
}

function byUser(tokens: PushTokenRow[]): Map<number, PushTokenRow[]> {
  const m = new Map<number, PushTokenRow[]>();
  for (const t of tokens) m.set(t.user_id, [...(m.get(t.user_id) ?? []), t]);
  return m;
}

/**
 * Push notifications to the app, from the durable `notifications` table (position opened/closed,
 * trade blocked, plan expiring) and from new signals, each following the user's choices. Three
 * steps per pass, each safe with several workers: queue (cursor moved in the same transaction
 * that writes the outbox rows, one row per message and token), send (each row claimed once, sent
 * in batches; a send that may have reached Expo is never repeated), receipts (after a delay; a
 * token Expo reports as DeviceNotRegistered is deleted).
 */
export function createPushSender(deps: Deps, options: PushSenderOptions = {}) {
  const batch = options.batch ?? 500;
  const receiptDelayMs = options.receiptDelayMs ?? 15 * 60_000;
  const claimTimeoutMs = options.claimTimeoutMs ?? 5 * 60_000;
  const { db, expo, logger } = deps;

  async function queueNotifications(now: number): Promise<number> {
    const maxId = await db
      .selectFrom('notifications')
      .select((eb) => eb.fn.max('id').as('m'))
      .executeTakeFirst();
    const queue = () =>
      db.transaction().execute(async (trx) => {
        const from = await pushCursor(trx, 'notifications', Number(maxId?.m ?? 0));
        const rows = await trx
          .selectFrom('notifications')
          .selectAll()
          .where('id', '>', from)
          .orderBy('id')
          .limit(batch)
          .execute();
        if (rows.length === 0) return 0;
        const relevant = rows.filter(
          (r) => r.audience === 'user' && r.user_id !== null && NOTICE_PUSH[r.kind],
        );
        const tokens = byUser(await pushTokensOfUsers(trx, [...new Set(relevant.map((r) => r.user_id!))]));
        const cache = new Map<number, GeneralSettings>();
        const out: NewPush[] = [];
        for (const r of relevant) {
          const rule = NOTICE_PUSH[r.kind]!;
          const userTokens = tokens.get(r.user_id!) ?? [];
          if (userTokens.length === 0 || !(await wants(trx, r.user_id!, rule.choice, cache))) continue;
          const data = JSON.parse(r.data) as Record<string, unknown>;
          for (const t of userTokens) {
            out.push({
              userId: r.user_id!,
              token: t.token,
              source: 'notification',
              sourceId: r.id,
              kind: r.kind,
              title: rule.title,
              body: r.text,
              data: {
                kind: r.kind,
                notification_id: r.id,
                position_id: data.position_id ?? null,
                signal_id: data.signal_id ?? null,
              },
            });
          }
        }
        await enqueuePushes(trx, out, now);
        if (!(await advancePushCursor(trx, 'notifications', from, rows[rows.length - 1]!.id))) {
          throw new CursorMoved();
        }
        return out.length;
      });
    return unlessCursorMoved(queue, logger, 'notifications');
  }

  async function queueSignals(now: number): Promise<number> {
    const maxId = await db
      .selectFrom('signals')
      .select((eb) => eb.fn.max('id').as('m'))
      .executeTakeFirst();
    const queue = () =>
      db.transaction().execute(async (trx) => {
        const from = await pushCursor(trx, 'signals', Number(maxId?.m ?? 0));
        const signals = await trx
          .selectFrom('signals')
          .select(['id', 'symbol', 'direction', 'entries', 'targets', 'stop_loss'])
          .where('id', '>', from)
          .orderBy('id')
          .limit(50)
          .execute();
        if (signals.length === 0) return 0;
        const tokens = await trx
          .selectFrom('push_tokens')
          .innerJoin('users', 'users.id', 'push_tokens.user_id')
          .select([
            'push_tokens.token',
            'push_tokens.user_id',
            'users.role',
            'users.plan',
            'users.plan_expires_at',
            'users.disabled_at',
          ])
          .execute();
        const cache = new Map<number, GeneralSettings>();
        const eligible: { token: string; user_id: number }[] = [];
        for (const t of tokens) {
          if (t.disabled_at !== null || !isUserOnPaidPlanOrAdmin(t, now)) continue;
          if (await wants(trx, t.user_id, 'new_signal', cache)) eligible.push(t);
        }
        const out: NewPush[] = [];
        for (const s of signals) {
          const entries = JSON.parse(s.entries) as string[];
          const targets = JSON.parse(s.targets) as string[];
          for (const t of eligible) {
            out.push({
              userId: t.user_id,
              token: t.token,
              source: 'signal',
              sourceId: s.id,
              kind: 'new_signal',
              title: `New signal: ${s.symbol} ${s.direction}`,
              body: `Entry ${entries.join('–') || 'market'} · TP ${targets.join(' / ') || '—'} · SL ${s.stop_loss ?? '—'}`,
              data: { kind: 'new_signal', signal_id: s.id },
            });
          }
        }
        await enqueuePushes(trx, out, now);
        if (!(await advancePushCursor(trx, 'signals', from, signals[signals.length - 1]!.id))) {
          throw new CursorMoved();
        }
        return out.length;
      });
    return unlessCursorMoved(queue, logger, 'signals');
  }

  async function dropToken(token: string, now: number): Promise<void> {
    await deletePushToken(db, token);
    await skipPushesToToken(db, token, now);
    logger.info({ token: `${token.slice(0, 22)}…` }, 'push: token no longer registered, dropped');
  }

  async function send(now: number): Promise<{ sent: number; failed: number; unknown: number }> {
    await expireStalePushClaims(db, now - claimTimeoutMs, now);
    const rows = await claimPendingPushes(db, batch, now);
    const result = { sent: 0, failed: 0, unknown: 0 };
    if (rows.length === 0) return result;
    const chunks: PushOutboxRow[][] = [];
    for (let i = 0; i < rows.length; i += 100) chunks.push(rows.slice(i, i + 100));
    for (const chunk of chunks) {
      const messages: ExpoPushMessage[] = chunk.map((r) => ({
        to: r.token,
        title: r.title,
        body: r.body,
        data: JSON.parse(r.data) as Record<string, unknown>,
        sound: 'default',
        priority: 'high',
        channelId: 'default',
      }));
      let tickets: ExpoPushTicket[];
      try {
        tickets = await expo.sendPushNotificationsAsync(messages);
      } catch (err) {
        const status = (err as { statusCode?: number }).statusCode;
        // An HTTP error answer means Expo took none of the batch: safe to try again later.
        // Anything else (connection lost mid-request) may have been delivered: never repeated.
        const retry = typeof status === 'number' && status >= 400;
        for (const r of chunk) {
          await setPushStatus(
            db,
            r.id,
            {
              status: retry && r.attempts < 5 ? 'pending' : 'unknown',
              error: String((err as Error).message).slice(0, 500),
            },
            now,
          );
        }
        if (retry) result.failed += chunk.length;
        else result.unknown += chunk.length;
        logger.warn({ err, count: chunk.length }, 'push: batch not sent');
        continue;
      }
      for (const [i, r] of chunk.entries()) {
        const ticket = tickets[i];
        if (ticket?.status === 'ok') {
          await setPushStatus(db, r.id, { status: 'sent', ticketId: ticket.id, sentAt: now }, now);
          result.sent += 1;
        } else {
          await setPushStatus(db, r.id, { status: 'failed', error: ticket?.message ?? 'no ticket' }, now);
          result.failed += 1;
          if (ticket?.details?.error === 'DeviceNotRegistered') await dropToken(r.token, now);
        }
      }
    }
    return result;
  }

  async function receipts(now: number): Promise<{ delivered: number; failed: number }> {
    const rows = await pushesAwaitingReceipt(db, now - receiptDelayMs, 1000);
    const result = { delivered: 0, failed: 0 };
    if (rows.length === 0) return result;
    const byTicket = new Map(rows.map((r) => [r.ticket_id!, r]));
    for (const ids of expo.chunkPushNotificationReceiptIds([...byTicket.keys()])) {
      let receiptsById: Awaited<ReturnType<Expo['getPushNotificationReceiptsAsync']>>;
      try {
        receiptsById = await expo.getPushNotificationReceiptsAsync(ids);
      } catch (err) {
        logger.warn({ err }, 'push: receipts not read; trying again later');
        continue;
      }
      for (const id of ids) {
        const row = byTicket.get(id)!;
        const receipt = receiptsById[id];
        if (!receipt) continue; // not ready yet
        if (receipt.status === 'ok') {
          await setPushStatus(db, row.id, { status: 'delivered' }, now);
          result.delivered += 1;
        } else {
          await setPushStatus(db, row.id, { status: 'failed', error: receipt.message }, now);
          result.failed += 1;
          if (receipt.details?.error === 'DeviceNotRegistered') await dropToken(row.token, now);
        }
      }
    }
    return result;
  }

  return {
    queueNotifications,
    queueSignals,
    send,
    receipts,
    /** One pass: queue what is new, send it, read due receipts. */
    async tick(now: number) {
      const queued = (await queueNotifications(now)) + (await queueSignals(now));
      const sent = await send(now);
      const read = await receipts(now);
      return { queued, ...sent, ...read };
    },
  };
}

export type PushSender = ReturnType<typeof createPushSender>;
