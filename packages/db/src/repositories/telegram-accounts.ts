import type { Db } from '../connection';
import type {
  ApprovalStatus,
  TelegramApprovalRow,
  TelegramApprovalsTable,
  TelegramChannelRow,
  TelegramChannelsTable,
  TelegramLinksTable,
} from '../schema';

// ----- linked accounts ----------------------------------------------------------------------------

export async function findTelegramLink(db: Db, userId: number) {
  return db.selectFrom('telegram_links').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

export async function findTelegramLinkByTelegramUser(db: Db, tgUserId: string) {
  return db.selectFrom('telegram_links').selectAll().where('tg_user_id', '=', tgUserId).executeTakeFirst();
}

/** Links a Telegram account to a user, replacing any earlier link of either. */
export async function linkTelegram(db: Db, link: TelegramLinksTable): Promise<void> {
  await db
    .deleteFrom('telegram_links')
    .where((eb) => eb.or([eb('user_id', '=', link.user_id), eb('tg_user_id', '=', link.tg_user_id)]))
    .execute();
  await db.insertInto('telegram_links').values(link).execute();
}

export async function unlinkTelegram(db: Db, userId: number): Promise<boolean> {
  const res = await db.deleteFrom('telegram_links').where('user_id', '=', userId).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

export async function insertTelegramLinkCode(
  db: Db,
  c: { codeHash: string; userId: number; expiresAt: number; at: number },
): Promise<void> {
  // One live code per user: a new one replaces what was not used.
  await db
    .deleteFrom('telegram_link_codes')
    .where('user_id', '=', c.userId)
    .where('used_at', 'is', null)
    .execute();
  await db
    .insertInto('telegram_link_codes')
    .values({
      code_hash: c.codeHash,
      user_id: c.userId,
      expires_at: c.expiresAt,
      used_at: null,
      created_at: c.at,
    })
    .execute();
}

/** Uses a code once: the user it links, or null (unknown, used or expired). */
export async function useTelegramLinkCode(db: Db, codeHash: string, now: number): Promise<number | null> {
  const row = await db
    .updateTable('telegram_link_codes')
    .set({ used_at: now })
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('user_id')
    .executeTakeFirst();
  return row ? Number(row.user_id) : null;
}

export async function pruneTelegramLinkCodes(db: Db, before: number): Promise<void> {
  await db.deleteFrom('telegram_link_codes').where('expires_at', '<', before).execute();
}

// ----- source channels ----------------------------------------------------------------------------

export type NewTelegramChannel = Omit<TelegramChannelsTable, 'id'>;

export async function insertTelegramChannel(db: Db, c: NewTelegramChannel): Promise<TelegramChannelRow> {
  const { id } = await db.insertInto('telegram_channels').values(c).returning('id').executeTakeFirstOrThrow();
  return (await findTelegramChannel(db, id))!;
}

export async function findTelegramChannel(db: Db, id: number): Promise<TelegramChannelRow | undefined> {
  return db.selectFrom('telegram_channels').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findTelegramChannelByChat(
  db: Db,
  chatId: string,
): Promise<TelegramChannelRow | undefined> {
  return db.selectFrom('telegram_channels').selectAll().where('chat_id', '=', chatId).executeTakeFirst();
}

export async function listTelegramChannels(db: Db): Promise<TelegramChannelRow[]> {
  return db.selectFrom('telegram_channels').selectAll().orderBy('id').execute();
}

export async function updateTelegramChannel(
  db: Db,
  id: number,
  patch: Partial<Omit<TelegramChannelsTable, 'id'>> & { updated_at: number },
): Promise<TelegramChannelRow | undefined> {
  await db.updateTable('telegram_channels').set(patch).where('id', '=', id).execute();
  return findTelegramChannel(db, id);
}

export async function deleteTelegramChannel(db: Db, id: number): Promise<boolean> {
  const res = await db.deleteFrom('telegram_channels').where('id', '=', id).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

// ----- approval queue -----------------------------------------------------------------------------

export type NewTelegramApproval = Omit<TelegramApprovalsTable, 'id'>;

/** Queues a message for approval; the id of its row (an existing one for the same message). */
export async function upsertTelegramApproval(db: Db, a: NewTelegramApproval): Promise<number> {
  const existing = await findTelegramApprovalByMessage(db, a.chat_id, a.message_id);
  if (existing) {
    if (existing.status === 'PENDING') {
      await db
        .updateTable('telegram_approvals')
        .set({
          text: a.text,
          parsed: a.parsed,
          confidence: a.confidence,
          reason: a.reason,
          kind: a.kind,
          updated_at: a.updated_at,
        })
        .where('id', '=', existing.id)
        .execute();
    }
    return existing.id;
  }
  const row = await db
    .insertInto('telegram_approvals')
    .values(a)
    .onConflict((oc) => oc.columns(['chat_id', 'message_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (row) return row.id;
  return (await findTelegramApprovalByMessage(db, a.chat_id, a.message_id))!.id;
}

export async function findTelegramApproval(db: Db, id: number): Promise<TelegramApprovalRow | undefined> {
  return db.selectFrom('telegram_approvals').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findTelegramApprovalByMessage(
  db: Db,
  chatId: string,
  messageId: number,
): Promise<TelegramApprovalRow | undefined> {
  return db
    .selectFrom('telegram_approvals')
    .selectAll()
    .where('chat_id', '=', chatId)
    .where('message_id', '=', messageId)
    .executeTakeFirst();
}

export async function listTelegramApprovals(
  db: Db,
  q: { status?: ApprovalStatus; before?: number; limit: number },
): Promise<TelegramApprovalRow[]> {
  let query = db.selectFrom('telegram_approvals').selectAll();
  if (q.status) query = query.where('status', '=', q.status);
  if (q.before !== undefined) query = query.where('id', '<', q.before);
  return query.orderBy('id', 'desc').limit(q.limit).execute();
}

/** Decides a pending approval; false if it was not pending any more. */
export async function decideTelegramApproval(
  db: Db,
  id: number,
  d: {
    status: 'APPROVED' | 'REJECTED';
    by: number;
    at: number;
    note: string | null;
    signalId: number | null;
  },
): Promise<boolean> {
  const res = await db
    .updateTable('telegram_approvals')
    .set({
      status: d.status,
      decided_by: d.by,
      decided_at: d.at,
      decision_note: d.note,
      signal_id: d.signalId,
      updated_at: d.at,
    })
    .where('id', '=', id)
    .where('status', '=', 'PENDING')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

export async function updateTelegramApproval(
  db: Db,
  id: number,
  patch: Partial<Pick<TelegramApprovalsTable, 'text' | 'parsed' | 'confidence' | 'reason' | 'kind'>> & {
    updated_at: number;
  },
): Promise<void> {
  await db
    .updateTable('telegram_approvals')
    .set(patch)
    .where('id', '=', id)
    .where('status', '=', 'PENDING')
    .execute();
}
