import { dec, decStr, decSum, drawdownPct, PCT_DP, roundDp, type Dec } from '@verzek/core';
import type { Db, UserRow } from '@verzek/db';
import { loadTradingSettings } from '../users/settings';

/** Ids per `IN (…)` list: far below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters. */
const CHUNK = 1000;

export interface SystemDrawdown {
  /** Largest peak-to-trough fall of the system's realized equity in the window, % ("0" without closes). */
  pct: string;
  /** Positions closed in the window. */
  closes: number;
  /** Their realized PnL, USDT. */
  pnlUsdt: string;
  /** The capital in play: the sum of `capital_usdt` of every user with a position live in the window. */
  baseUsdt: string;
  /** How many users that is. */
  traders: number;
}

/**
 * The system's drawdown over [since, until): an equity curve that starts at the capital in play —
 * the `capital_usdt` of every user who had a position live at some point of the window (closed in it,
 * or opened before its end and still open at its start) — and moves by each close's realized PnL in
 * close order; the result is its largest peak-to-trough fall, in % of the running peak.
 *
 * Realized PnL only: a position counts when it closes (partial take-profits included then), and open
 * positions count in the base with their capital but not with their unrealized PnL.
 */
export async function systemDrawdownPct(
  db: Db,
  since: number,
  until: number = Number.MAX_SAFE_INTEGER,
): Promise<SystemDrawdown> {
  // Everything that ended since the window opened (the closed_at index), then what is still live.
  const ended = await db
    .selectFrom('positions')
    .select(['id', 'user_id', 'realized_pnl_usdt', 'closed_at', 'opened_at', 'created_at'])
    .where('closed_at', '>=', since)
    .where('status', '=', 'CLOSED')
    .orderBy('closed_at')
    .orderBy('id')
    .execute();
  const live = await db
    .selectFrom('positions')
    .select('user_id')
    .distinct()
    .where('status', 'in', ['OPEN', 'PARTIAL'])
    .where('opened_at', '<', until)
    .execute();

  const inPlay = new Set<number>(live.map((r) => r.user_id));
  const closes: { pnl: string }[] = [];
  for (const p of ended) {
    const closedAt = Number(p.closed_at);
    if (closedAt < until) {
      inPlay.add(p.user_id);
      closes.push({ pnl: String(p.realized_pnl_usdt) });
    } else if (Number(p.opened_at ?? p.created_at) < until) {
      inPlay.add(p.user_id); // live during the window, closed after it
    }
  }
  const base = await capitalOf(db, [...inPlay]);
  const points: string[] = [decStr(base)];
  let equity = base;
  for (const c of closes) {
    equity = equity.plus(c.pnl);
    points.push(decStr(equity));
  }
  return {
    pct: decStr(roundDp(dec(drawdownPct(points)), PCT_DP)),
    closes: closes.length,
    pnlUsdt: decStr(equity.minus(base)),
    baseUsdt: decStr(base),
    traders: inPlay.size,
  };
}

/** Σ capital_usdt of these users (their trading settings, with defaults). */
async function capitalOf(db: Db, userIds: readonly number[]): Promise<Dec> {
  const capitals: string[] = [];
  for (let i = 0; i < userIds.length; i += CHUNK) {
    const ids = userIds.slice(i, i + CHUNK);
    const users: UserRow[] = await db.selectFrom('users').selectAll().where('id', 'in', ids).execute();
    for (const s of (await loadTradingSettings(db, users)).values()) capitals.push(s.strategy.capital_usdt);
  }
  return decSum(capitals);
}
