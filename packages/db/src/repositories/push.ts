import type { Db } from '../connection';
import type { PushOutboxRow, PushPlatform, PushStatus, PushTokenRow } from '../schema';

/** Registers a device token for a user (re-registering moves it to that user). */
export async function upsertPushToken(
  db: Db,
  t: { userId: number; token: string; platform: PushPlatform; device: string | null; now: number },
): Promise<PushTokenRow> {
  return db
    .insertInto('push_tokens')
    .values({
      user_id: t.userId,
      token: t.token,
      platform: t.platform,
      device: t.device,
      created_at: t.now,
      updated_at: t.now,
    })
    .onConflict((oc) =>
      oc
        .column('token')
        .doUpdateSet({ user_id: t.userId, platform: t.platform, device: t.device, updated_at: t.now }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Removes a token (of one user, or whoever has it when the push service says it is dead). */
export async function deletePushToken(db: Db, token: string, userId?: number): Promise<boolean> {
  let q = db.deleteFrom('push_tokens').where('token', '=', token);
  if (userId !== undefined) q = q.where('user_id', '=', userId);
  return Number((await q.executeTakeFirst()).numDeletedRows) > 0;
}

export async function pushTokensOfUsers(db: Db, userIds: number[]): Promise<PushTokenRow[]> {
  if (userIds.length === 0) return [];
  return db.selectFrom('push_tokens').selectAll().where('user_id', 'in', userIds).execute();
}

export async function allPushTokens(db: Db): Promise<PushTokenRow[]> {
  return db.selectFrom('push_tokens').selectAll().orderBy('id').execute();
}

/** The sender's position in a source table; created at `initial` the first time. */
export async function pushCursor(db: Db, name: string, initial: number): Promise<number> {
  await db
    .insertInto('push_cursors')
    .values({ name, last_id: initial })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db
    .selectFrom('push_cursors')
    .select('last_id')
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return Number(row.last_id);
}

/** Moves a cursor from `from` to `to`; false if another sender moved it first. */
export async function advancePushCursor(db: Db, name: string, from: number, to: number): Promise<boolean> {
  const r = await db
    .updateTable('push_cursors')
    .set({ last_id: to })
    .where('name', '=', name)
    .where('last_id', '=', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export interface NewPush {
  userId: number;
  token: string;
  source: 'notification' | 'signal';
  sourceId: number;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
}

/** Queues messages; a (source, source_id, token) already queued is left alone. */
export async function enqueuePushes(db: Db, rows: NewPush[], now: number): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    await db
      .insertInto('push_outbox')
      .values(
        rows.slice(i, i + 200).map((r) => ({
          user_id: r.userId,
          token: r.token,
          source: r.source,
          source_id: r.sourceId,
          kind: r.kind,
          title: r.title,
          body: r.body,
          data: JSON.stringify(r.data),
          status: 'pending' as const,
          attempts: 0,
          ticket_id: null,
          error: null,
          claimed_at: null,
          sent_at: null,
          created_at: now,
          updated_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(['source', 'source_id', 'token']).doNothing())
      .execute();
  }
}

/** Takes up to `limit` pending messages for sending: each row is claimed by exactly one sender. */
export async function claimPendingPushes(db: Db, limit: number, now: number): Promise<PushOutboxRow[]> {
  const candidates = await db
    .selectFrom('push_outbox')
    .select('id')
    .where('status', '=', 'pending')
    .orderBy('id')
    .limit(limit)
    .execute();
  const claimed: number[] = [];
  for (const { id } of candidates) {
    const r = await db
      .updateTable('push_outbox')
      .set((eb) => ({
        status: 'sending',
        claimed_at: now,
        updated_at: now,
        attempts: eb('attempts', '+', 1),
      }))
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 1) claimed.push(id);
  }
  if (claimed.length === 0) return [];
  return db.selectFrom('push_outbox').selectAll().where('id', 'in', claimed).orderBy('id').execute();
}

export async function setPushStatus(
  db: Db,
  id: number,
  to: { status: PushStatus; ticketId?: string | null; error?: string | null; sentAt?: number },
  now: number,
): Promise<void> {
  await db
    .updateTable('push_outbox')
    .set({
      status: to.status,
      ...(to.ticketId !== undefined ? { ticket_id: to.ticketId } : {}),
      ...(to.error !== undefined ? { error: to.error } : {}),
      ...(to.sentAt !== undefined ? { sent_at: to.sentAt } : {}),
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}

/** Messages sent at least `before` ago whose receipt hasn't been read yet. */
export async function pushesAwaitingReceipt(
  db: Db,
  sentBefore: number,
  limit: number,
): Promise<PushOutboxRow[]> {
  return db
    .selectFrom('push_outbox')
    .selectAll()
    .where('status', '=', 'sent')
    .where('ticket_id', 'is not', null)
    .where('sent_at', '<=', sentBefore)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** A sender died mid-send: whether Expo got it is unknown, so it is never sent again. */
export async function expireStalePushClaims(db: Db, claimedBefore: number, now: number): Promise<number> {
  const r = await db
    .updateTable('push_outbox')
    .set({ status: 'unknown', error: 'sender stopped while sending', updated_at: now })
    .where('status', '=', 'sending')
    .where('claimed_at', '<', claimedBefore)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Drops a dead token's queued messages (nothing to deliver them to). */
export async function skipPushesToToken(db: Db, token: string, now: number): Promise<void> {
  await db
    .updateTable('push_outbox')
    .set({ status: 'skipped', error: 'token removed', updated_at: now })
    .where('token', '=', token)
    .where('status', '=', 'pending')
    .execute();
}

export async function pushOutbox(db: Db, q: { limit: number } = { limit: 100 }): Promise<PushOutboxRow[]> {
  return db.selectFrom('push_outbox').selectAll().orderBy('id').limit(q.limit).execute();
}
