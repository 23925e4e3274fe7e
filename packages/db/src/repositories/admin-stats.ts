import { sql } from 'kysely';
import type { Db } from '../connection';

export interface UserCounts {
  /** Customers (role USER), by effective plan: a paid plan past its expiry counts as TRIAL. */
  total: number;
  trial: number;
  vip: number;
  premium: number;
  disabled: number;
  /** Accounts of any role on an effective PREMIUM plan with auto-trading on and not disabled. */
  autoTraders: number;
}

export async function userCounts(db: Db, now: number): Promise<UserCounts> {
  const active = sql<boolean>`(plan_expires_at is null or plan_expires_at > ${now})`;
  const row = await db
    .selectFrom('users')
    .select([
      sql<number>`coalesce(sum(case when role = 'USER' then 1 else 0 end), 0)`.as('total'),
      sql<number>`coalesce(sum(case when role = 'USER' and plan = 'VIP' and ${active} then 1 else 0 end), 0)`.as(
        'vip',
      ),
      sql<number>`coalesce(sum(case when role = 'USER' and plan = 'PREMIUM' and ${active} then 1 else 0 end), 0)`.as(
        'premium',
      ),
      sql<number>`coalesce(sum(case when role = 'USER' and disabled_at is not null then 1 else 0 end), 0)`.as(
        'disabled',
      ),
      sql<number>`coalesce(sum(case when plan = 'PREMIUM' and ${active} and auto_trade_enabled = 1 and disabled_at is null then 1 else 0 end), 0)`.as(
        'auto',
      ),
    ])
    .executeTakeFirstOrThrow();
  const total = Number(row.total);
  const vip = Number(row.vip);
  const premium = Number(row.premium);
  return {
    total,
    trial: total - vip - premium,
    vip,
    premium,
    disabled: Number(row.disabled),
    autoTraders: Number(row.auto),
  };
}

/** Signals stored (every stored signal is broadcast: the overview's "signals sent"). */
export async function signalCount(db: Db): Promise<number> {
  const row = await db
    .selectFrom('signals')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Positions of every user that are live (PENDING, OPEN or PARTIAL — what GET /api/positions calls open). */
export async function livePositionCount(db: Db): Promise<number> {
  const row = await db
    .selectFrom('positions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', 'in', ['PENDING', 'OPEN', 'PARTIAL'])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
