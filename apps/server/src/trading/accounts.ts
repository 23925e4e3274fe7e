import type { Db } from '@verzek/db';

/**
 * Paper is everyone's default venue (§4): users without an active exchange account get a paper
 * account on first use.
 */
export async function ensurePaperAccounts(db: Db, userIds: readonly number[], now: number): Promise<void> {
  if (userIds.length === 0) return;
  const withActive = await db
    .selectFrom('exchange_accounts')
    .select('user_id')
    .where('user_id', 'in', userIds)
    .where('active', '=', 1)
    .execute();
  const have = new Set(withActive.map((r) => r.user_id));
  const missing = userIds.filter((id) => !have.has(id));
  if (missing.length === 0) return;
  await db
    .insertInto('exchange_accounts')
    .values(
      missing.map((user_id) => ({
        user_id,
        provider: 'paper' as const,
        mode: 'paper' as const,
        api_key: null,
        api_secret: null,
        passphrase: null,
        leverage_default: 10,
        margin_mode: 'ISOLATED' as const,
        hedge_mode: 0,
        active: 1,
        permissions: '{}',
        created_at: now,
        updated_at: now,
      })),
    )
    .onConflict((oc) => oc.columns(['user_id', 'provider']).doNothing())
    .execute();
}
