import { describe, expect, it } from 'vitest';
import type { MarketRules } from '../market-rules';
import { checkRisk } from './check-risk';
import { resolveRiskLimits } from './limits';
import type { OpenPositionExposure, RiskCheckInput } from './types';

const NOW = Date.UTC(2025, 0, 10, 12, 0, 0);
const MIN = 60_000;
const MARKET: MarketRules = { tickSize: '0.1', lotSize: '0.001', minQty: '0.001', minNotional: '5' };

/** Capital 1000; the proposed trade: 0.01 BTC at 50000 with 10x = 50 USDT margin. */
function input(over: Partial<RiskCheckInput> = {}): RiskCheckInput {
  return {
    capital_usdt: '1000',
    open_positions: [],
    today: { trade_count: 0, realized_pnl_pct: '0', last_loss_at: null },
    safety: { kill_switch: false },
    now: NOW,
    trade: { symbol: 'BTCUSDT', qty: '0.01', price: '50000', leverage: 10, market: MARKET },
    ...over,
  };
}

function open(n: number, symbol = 'ETHUSDT', margin = '1'): OpenPositionExposure[] {
  return Array.from({ length: n }, () => ({ symbol, margin_usdt: margin }));
}

describe('checkRisk', () => {
  it('allows a trade within every limit and reports the exposure after it', () => {
    expect(checkRisk(input())).toEqual({
      allowed: true,
      code: 'ok',
      reason: 'All risk checks passed',
      exposure_pct_after: '5',
    });
  });

  it('kill switch blocks everything, even invalid input', () => {
    expect(checkRisk(input({ safety: { kill_switch: true } }))).toMatchObject({
      allowed: false,
      code: 'kill_switch',
    });
    expect(checkRisk(input({ safety: { kill_switch: true }, capital_usdt: 'x' }))).toMatchObject({
      code: 'kill_switch',
    });
  });

  it.each([
    ['-24.99', true],
    ['-25', false],
    ['-25.01', false],
  ])('daily loss limit 25%%: today %s%% → allowed %s', (pnl, allowed) => {
    const d = checkRisk(input({ today: { trade_count: 0, realized_pnl_pct: pnl, last_loss_at: null } }));
    expect(d.allowed).toBe(allowed);
    if (!allowed) {
      expect(d.code).toBe('daily_loss_limit');
      expect(d.reason).toBe(`Daily loss limit reached: ${pnl}% of capital today (limit 25%)`);
    }
  });

  it('phrases the daily loss like the spec', () => {
    const d = checkRisk(input({ today: { trade_count: 3, realized_pnl_pct: '-25.3', last_loss_at: null } }));
    expect(d.reason).toBe('Daily loss limit reached: -25.3% of capital today (limit 25%)');
  });

  it.each([
    [49, true],
    [50, false],
    [51, false],
  ])('daily trade count 50: %i trades today → allowed %s', (count, allowed) => {
    const d = checkRisk(input({ today: { trade_count: count, realized_pnl_pct: 0, last_loss_at: null } }));
    expect(d.allowed).toBe(allowed);
    if (!allowed)
      expect(d).toMatchObject({
        code: 'daily_trade_limit',
        reason: `Daily trade limit reached: ${count} trades today (limit 50)`,
      });
  });

  it.each([
    [4, true],
    [5, false],
    [6, false],
  ])('max concurrent 5: %i open → allowed %s', (n, allowed) => {
    const d = checkRisk(input({ open_positions: open(n) }));
    expect(d.allowed).toBe(allowed);
    if (!allowed)
      expect(d).toMatchObject({
        code: 'max_concurrent_trades',
        reason: `Too many open trades: ${n} open (limit 5)`,
      });
  });

  it('max concurrent is capped at 50 whatever the user asks', () => {
    expect(resolveRiskLimits({ max_concurrent_trades: 80 }).max_concurrent_trades).toBe(50);
    const limits = { max_concurrent_trades: 80, per_symbol_limit: 100, max_account_exposure_pct: 1000 };
    expect(checkRisk(input({ limits, open_positions: open(49) })).allowed).toBe(true);
    expect(checkRisk(input({ limits, open_positions: open(50) })).code).toBe('max_concurrent_trades');
  });

  it.each([
    [2, true],
    [3, false],
    [4, false],
  ])('per-symbol limit 3: %i open on the symbol → allowed %s', (n, allowed) => {
    const d = checkRisk(
      input({
        limits: { per_symbol_limit: 3, max_concurrent_trades: 10 },
        open_positions: open(n, 'BTCUSDT'),
      }),
    );
    expect(d.allowed).toBe(allowed);
    if (!allowed)
      expect(d).toMatchObject({
        code: 'per_symbol_limit',
        reason: `Per-symbol limit reached: ${n} open on BTCUSDT (limit 3)`,
      });
  });

  it('per-symbol limit counts only the same symbol', () => {
    expect(
      checkRisk(input({ limits: { per_symbol_limit: 1 }, open_positions: open(4, 'ETHUSDT') })).allowed,
    ).toBe(true);
  });

  it.each([
    [15 * MIN - 1, false],
    [15 * MIN, true],
    [15 * MIN + 1, true],
  ])('cooldown 15 min after a loss: %i ms later → allowed %s', (elapsed, allowed) => {
    const d = checkRisk(
      input({ today: { trade_count: 1, realized_pnl_pct: '-1', last_loss_at: NOW - elapsed } }),
    );
    expect(d.allowed).toBe(allowed);
    if (!allowed)
      expect(d).toMatchObject({
        code: 'cooldown',
        reason: 'Cooldown after a losing trade: 1 min left (cooldown 15 min)',
      });
  });

  it.each([
    ['749.9', true, '79.99'],
    ['750', true, '80'],
    ['750.1', false, '80.01'],
  ])('exposure cap 80%% of capital on margin: %s open + 50 new → allowed %s', (margin, allowed, after) => {
    const d = checkRisk(input({ open_positions: [{ symbol: 'ETHUSDT', margin_usdt: margin }] }));
    expect(d.allowed).toBe(allowed);
    expect(d.exposure_pct_after).toBe(after);
    if (!allowed)
      expect(d).toMatchObject({
        code: 'exposure_cap',
        reason: `Exposure cap: this trade would take exposure to ${after}% (cap 80% of capital)`,
      });
  });

  it('exposure cap in reduce mode shrinks the trade to fit and says so', () => {
    const d = checkRisk(
      input({
        limits: { exposure_mode: 'reduce' },
        open_positions: [{ symbol: 'ETHUSDT', margin_usdt: '780' }],
      }),
    );
    // room 20 USDT margin → 200 notional / 50000 = 0.004
    expect(d).toEqual({
      allowed: true,
      code: 'exposure_reduced',
      reason: 'Size reduced from 0.01 to 0.004 to stay within the exposure cap of 80% of capital',
      adjusted_qty: '0.004',
      exposure_pct_after: '80',
    });
  });

  it('exposure reduce mode still blocks when nothing fits or the rest is below the market minimum', () => {
    const full = checkRisk(
      input({
        limits: { exposure_mode: 'reduce' },
        open_positions: [{ symbol: 'ETHUSDT', margin_usdt: '800' }],
      }),
    );
    expect(full).toMatchObject({ allowed: false, code: 'exposure_cap' });
    const dust = checkRisk(
      input({
        limits: { exposure_mode: 'reduce' },
        open_positions: [{ symbol: 'ETHUSDT', margin_usdt: '799.99' }],
      }),
    );
    expect(dust).toMatchObject({ allowed: false, code: 'exposure_cap' });
    expect(dust.reason).toMatch(/reduced size is too small/);
  });

  it('checks rules in a fixed order (daily loss before trade count before concurrency…)', () => {
    const d = checkRisk(
      input({
        today: { trade_count: 99, realized_pnl_pct: '-30', last_loss_at: NOW },
        open_positions: open(9, 'BTCUSDT', '900'),
      }),
    );
    expect(d.code).toBe('daily_loss_limit');
  });

  it('refuses unusable input as data', () => {
    expect(checkRisk(input({ capital_usdt: '0' }))).toMatchObject({ allowed: false, code: 'invalid_input' });
    expect(checkRisk(input({ trade: { symbol: 'X', qty: '-1', price: '1', leverage: 1 } }))).toMatchObject({
      code: 'invalid_input',
    });
    expect(checkRisk(input({ open_positions: [{ symbol: 'X', margin_usdt: 'lots' }] }))).toMatchObject({
      code: 'invalid_input',
    });
  });
});
