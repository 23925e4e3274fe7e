import { dec, decStr, decSum, roundDp, PCT_DP, type RiskContext } from '@verzek/core';
import { liveExposures, readSafety, userDayFacts, type Db } from '@verzek/db';
import type { TradingSettings } from '../services/users/settings';

export const DAY_MS = 86_400_000;

/** Start of the UTC day containing `now` (the day boundary of daily limits and stats). */
export function utcDayStart(now: number): number {
  return now - (now % DAY_MS);
}

/** What the risk engine needs about each of these users, read in a handful of queries. */
export class RiskFacts {
  private constructor(
    private readonly exposures: Map<number, { symbol: string; margin_usdt: string }[]>,
    private readonly days: Awaited<ReturnType<typeof userDayFacts>>,
    readonly killSwitch: boolean,
  ) {}

  static async load(db: Db, userIds: readonly number[], now: number): Promise<RiskFacts> {
    const [rows, days, safety] = await Promise.all([
      liveExposures(db, userIds),
      userDayFacts(db, userIds, utcDayStart(now)),
      readSafety(db),
    ]);
    const exposures = new Map<number, { symbol: string; margin_usdt: string }[]>();
    for (const r of rows) {
      const margin =
        r.margin_usdt ??
        (r.avg_entry_price ? decStr(dec(r.avg_entry_price).mul(r.qty).div(r.leverage)) : '0');
      const list = exposures.get(r.user_id) ?? [];
      list.push({ symbol: r.symbol, margin_usdt: String(margin) });
      exposures.set(r.user_id, list);
    }
    return new RiskFacts(exposures, days, safety.kill_switch === 1);
  }

  context(userId: number, settings: TradingSettings, now: number): RiskContext {
    const day = this.days.get(userId);
    const capital = settings.strategy.capital_usdt;
    const pnl = decSum(day?.closed_pnls ?? []);
    const { risk } = settings;
    return {
      limits: {
        max_concurrent_trades: risk.max_concurrent_trades,
        max_daily_trades: risk.max_daily_trades,
        daily_loss_limit_pct: risk.daily_loss_limit_pct,
        max_account_exposure_pct: risk.max_account_exposure_pct,
        per_symbol_limit: risk.per_symbol_limit,
        cooldown_minutes_after_loss: risk.cooldown_minutes_after_loss,
        exposure_mode: risk.exposure_policy,
      },
      capital_usdt: capital,
      open_positions: this.exposures.get(userId) ?? [],
      today: {
        trade_count: day?.opened ?? 0,
        realized_pnl_pct: decStr(roundDp(pnl.div(capital).mul(100), PCT_DP)),
        last_loss_at: day?.last_loss_at ?? null,
      },
      safety: { kill_switch: this.killSwitch },
      now,
    };
  }

  /** Counts a trade just opened, so the user's next intent in the same batch sees it. */
  recordOpened(userId: number, symbol: string, marginUsdt: string): void {
    const list = this.exposures.get(userId) ?? [];
    list.push({ symbol, margin_usdt: marginUsdt });
    this.exposures.set(userId, list);
    const day = this.days.get(userId);
    if (day) day.opened += 1;
  }
}
