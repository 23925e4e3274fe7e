import { writeSettings, type Db } from '@verzek/db';

/**
 * Creates `count` PREMIUM followers with auto-trading on, verified, with the given capital settings,
 * in bulk (for benchmarks and load tests; their password hash is a placeholder nobody can log in with).
 */
export async function createFollowers(
  db: Db,
  count: number,
  options: { now: number; prefix: string; perTradeUsdt?: string; capitalUsdt?: string },
): Promise<number[]> {
  const ids: number[] = [];
  const CHUNK = 500;
  for (let i = 0; i < count; i += CHUNK) {
    const rows = Array.from({ length: Math.min(CHUNK, count - i) }, (_, k) => {
      const n = i + k;
      return {
        username: `${options.prefix}${n}`,
        email: `${options.prefix}${n}@load.test`,
        password_hash: '!not-a-login',
        role: 'USER' as const,
        plan: 'PREMIUM' as const,
        plan_expires_at: options.now + 30 * 86_400_000,
        auto_trade_enabled: 1,
        email_verified_at: options.now,
        totp_secret: null,
        totp_pending_secret: null,
        totp_last_step: null,
        referral_code: null,
        disabled_at: null,
        created_at: options.now,
        updated_at: options.now,
      };
    });
    const inserted = await db.insertInto('users').values(rows).returning('id').execute();
    ids.push(...inserted.map((r) => r.id));
  }
  await db.transaction().execute(async (trx) => {
    for (const id of ids) {
      await writeSettings(
        trx,
        id,
        'strategy',
        { per_trade_usdt: options.perTradeUsdt ?? '100', capital_usdt: options.capitalUsdt ?? '100000' },
        options.now,
      );
      await writeSettings(
        trx,
        id,
        'risk',
        { max_concurrent_trades: 50, per_symbol_limit: 50, max_daily_trades: 1000 },
        options.now,
      );
    }
  });
  return ids;
}
