import { sql } from 'kysely';
import type { Db } from '../connection';
import type { OutboxStatus, TelegramOutboxRow, TelegramOutboxTable, TelegramPlannedTable } from '../schema';

export type NewOutboxRow = Omit<
  TelegramOutboxTable,
  | 'id'
  | 'status'
  | 'wait_until'
  | 'attempts'
  | 'message_id'
  | 'result'
  | 'last_error'
  | 'sent_wall_at'
  | 'updated_at'
> & { status?: OutboxStatus; last_error?: string | null };

/** Writes outbox rows; a row whose idem_key exists is skipped. Returns how many were new. */
export async function insertOutbox(db: Db, rows: readonly NewOutboxRow[]): Promise<number> {
  let inserted = 0;
  for (const r of rows) {
    const res = await db
      .insertInto('telegram_outbox')
      .values({
        ...r,
        status: r.status ?? 'pending',
        last_error: r.last_error ?? null,
        wait_until: 0,
        attempts: 0,
        message_id: null,
        result: null,
        sent_wall_at: null,
        updated_at: r.created_at,
      })
      .onConflict((oc) => oc.column('idem_key').doNothing())
      .executeTakeFirst();
    inserted += Number(res.numInsertedOrUpdatedRows ?? 0n);
  }
  return inserted;
}

export async function findOutboxByKey(db: Db, idemKey: string): Promise<TelegramOutboxRow | undefined> {
  return db.selectFrom('telegram_outbox').selectAll().where('idem_key', '=', idemKey).executeTakeFirst();
}

export async function findOutbox(db: Db, id: number): Promise<TelegramOutboxRow | undefined> {
  return db.selectFrom('telegram_outbox').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * The first unfinished row of each queue (in `not_before, id` order), earliest first: what the sender
 * may work on. A queue whose head is `sending` or `unknown` is blocked behind it, which is what keeps
 * a chat's messages in order.
 */
export async function outboxHeads(db: Db, limit: number): Promise<TelegramOutboxRow[]> {
  const { rows } = await sql<TelegramOutboxRow>`
    select h.* from (
      select o.*, row_number() over (partition by o.queue order by o.not_before, o.id) as rn
      from telegram_outbox o
      where o.status in ('pending', 'sending', 'unknown')
    ) h
    where h.rn = 1
    order by h.not_before, h.id
    limit ${limit}`.execute(db);
  return rows.map((r) => {
    const { rn: _rn, ...row } = r as TelegramOutboxRow & { rn?: unknown };
    return row as TelegramOutboxRow;
  });
}

/** Moves a row from one of `from` to `to` (with a patch); false if someone else moved it first. */
export async function moveOutbox(
  db: Db,
  id: number,
  from: readonly OutboxStatus[],
  to: OutboxStatus,
  patch: Partial<Omit<TelegramOutboxTable, 'id' | 'status'>> & { updated_at: number },
): Promise<boolean> {
  const res = await db
    .updateTable('telegram_outbox')
    .set({ ...patch, status: to })
    .where('id', '=', id)
    .where('status', 'in', [...from])
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** Pending rows of a signal in a chat of one kind (progress edits waiting, follow-ups to supersede). */
export async function pendingOutboxFor(
  db: Db,
  q: { signalId: number; chatId: string; kind: string },
): Promise<TelegramOutboxRow[]> {
  return db
    .selectFrom('telegram_outbox')
    .selectAll()
    .where('signal_id', '=', q.signalId)
    .where('chat_id', '=', q.chatId)
    .where('kind', '=', q.kind)
    .where('status', '=', 'pending')
    .orderBy('id')
    .execute();
}

/** Finished calls since a wall-clock instant (to seed the rate limiter after a restart). */
export async function outboxSentSince(
  db: Db,
  sinceWall: number,
): Promise<{ chat_id: string; method: string; sent_wall_at: number | null }[]> {
  return db
    .selectFrom('telegram_outbox')
    .select(['chat_id', 'method', 'sent_wall_at'])
    .where('sent_wall_at', '>', sinceWall)
    .execute();
}

export async function countOutboxByStatus(db: Db): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('telegram_outbox')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

export async function listOutbox(
  db: Db,
  q: { status?: OutboxStatus; before?: number; limit: number },
): Promise<TelegramOutboxRow[]> {
  let query = db.selectFrom('telegram_outbox').selectAll();
  if (q.status) query = query.where('status', '=', q.status);
  if (q.before !== undefined) query = query.where('id', '<', q.before);
  return query.orderBy('id', 'desc').limit(q.limit).execute();
}

/** Finished rows last touched before `before` are deleted (the message map is kept). */
export async function pruneOutbox(db: Db, before: number): Promise<number> {
  const res = await db
    .deleteFrom('telegram_outbox')
    .where('status', 'in', ['sent', 'dropped', 'failed'])
    .where('updated_at', '<', before)
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}

// ----- what was posted where ----------------------------------------------------------------------

export async function recordSignalMessage(
  db: Db,
  m: { signalId: number; chatId: string; messageId: number; at: number },
): Promise<void> {
  await db
    .insertInto('telegram_messages')
    .values({ signal_id: m.signalId, chat_id: m.chatId, message_id: m.messageId, created_at: m.at })
    .onConflict((oc) => oc.columns(['signal_id', 'chat_id']).doUpdateSet({ message_id: m.messageId }))
    .execute();
}

export async function findSignalMessage(db: Db, signalId: number, chatId: string): Promise<number | null> {
  const row = await db
    .selectFrom('telegram_messages')
    .select('message_id')
    .where('signal_id', '=', signalId)
    .where('chat_id', '=', chatId)
    .executeTakeFirst();
  return row ? Number(row.message_id) : null;
}

/** Raises the highest message id known in a chat (never lowers it). */
export async function bumpChatMessageId(
  db: Db,
  chatId: string,
  messageId: number,
  at: number,
): Promise<void> {
  await db
    .insertInto('telegram_chats')
    .values({ chat_id: chatId, last_message_id: messageId, updated_at: at })
    .onConflict((oc) => oc.column('chat_id').doNothing())
    .execute();
  await db
    .updateTable('telegram_chats')
    .set({ last_message_id: messageId, updated_at: at })
    .where('chat_id', '=', chatId)
    .where('last_message_id', '<', messageId)
    .execute();
}

export async function lastChatMessageId(db: Db, chatId: string): Promise<number | null> {
  const row = await db
    .selectFrom('telegram_chats')
    .select('last_message_id')
    .where('chat_id', '=', chatId)
    .executeTakeFirst();
  return row ? Number(row.last_message_id) : null;
}

// ----- planner marks ------------------------------------------------------------------------------

export type PlannedKind = TelegramPlannedTable['kind'];

/** Marks a record planned; false if it already was (someone planned it first). */
export async function markPlanned(db: Db, kind: PlannedKind, refId: number, at: number): Promise<boolean> {
  const res = await db
    .insertInto('telegram_planned')
    .values({ kind, ref_id: refId, created_at: at })
    .onConflict((oc) => oc.columns(['kind', 'ref_id']).doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/**
 * Where planning resumes: the highest id planned before `before` (everything at or below it was
 * committed long ago and planned or deliberately skipped), else the lowest id planned minus one,
 * else null (never planned anything of this kind).
 */
export async function plannedFloor(db: Db, kind: PlannedKind, before: number): Promise<number | null> {
  const old = await db
    .selectFrom('telegram_planned')
    .select((eb) => eb.fn.max('ref_id').as('id'))
    .where('kind', '=', kind)
    .where('created_at', '<', before)
    .executeTakeFirst();
  if (old?.id !== null && old?.id !== undefined) return Number(old.id);
  const any = await db
    .selectFrom('telegram_planned')
    .select((eb) => eb.fn.min('ref_id').as('id'))
    .where('kind', '=', kind)
    .executeTakeFirst();
  return any?.id === null || any?.id === undefined ? null : Number(any.id) - 1;
}

/** Forgets marks older than `before`, keeping the highest of them (the floor). */
export async function prunePlanned(db: Db, kind: PlannedKind, before: number): Promise<void> {
  const floor = await plannedFloor(db, kind, before);
  if (floor === null) return;
  await db
    .deleteFrom('telegram_planned')
    .where('kind', '=', kind)
    .where('created_at', '<', before)
    .where('ref_id', '<', floor)
    .execute();
}

// ----- state and the runtime lease ----------------------------------------------------------------

export async function readTelegramState(db: Db, key: string): Promise<string | null> {
  const row = await db.selectFrom('telegram_state').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value ?? null;
}

export async function writeTelegramState(
  db: Db,
  key: string,
  value: string | null,
  at: number,
): Promise<void> {
  await db
    .insertInto('telegram_state')
    .values({ key, value, owner: null, lease_until: null, updated_at: at })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: at }))
    .execute();
}

/** Takes or renews a lease; true while `owner` holds it. */
export async function acquireTelegramLease(
  db: Db,
  key: string,
  owner: string,
  now: number,
  until: number,
): Promise<boolean> {
  await db
    .insertInto('telegram_state')
    .values({ key, value: null, owner: null, lease_until: null, updated_at: now })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const res = await db
    .updateTable('telegram_state')
    .set({ owner, lease_until: until, updated_at: now })
    .where('key', '=', key)
    .where((eb) =>
      eb.or([
        eb('owner', '=', owner),
        eb('owner', 'is', null),
        eb('lease_until', 'is', null),
        eb('lease_until', '<', now),
      ]),
    )
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

export async function releaseTelegramLease(db: Db, key: string, owner: string, at: number): Promise<void> {
  await db
    .updateTable('telegram_state')
    .set({ owner: null, lease_until: null, updated_at: at })
    .where('key', '=', key)
    .where('owner', '=', owner)
    .execute();
}
