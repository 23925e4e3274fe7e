import { describe, expect, it } from 'vitest';
import type { MarketRules } from './market-rules';
import { previewTrade, type PreviewTradeInput } from './preview';
import type { RiskContext } from './risk/types';

const BTC: MarketRules = { tickSize: '0.1', lotSize: '0.001', minQty: '0.001', minNotional: '5' };
const NOW = Date.UTC(2025, 0, 10, 12);

function ctx(over: Partial<RiskContext> = {}): RiskContext {
  return {
    capital_usdt: '1000',
    open_positions: [],
    today: { trade_count: 0, realized_pnl_pct: '0', last_loss_at: null },
    safety: { kill_switch: false },
    now: NOW,
    ...over,
  };
}

const LONG: PreviewTradeInput = {
  symbol: 'BTCUSDT',
  direction: 'LONG',
  entry_price: '70000',
  stop_loss: '69500',
  targets: ['70500', '71000', '72000'],
  leverage: 10,
  per_trade_usdt: '100',
  capital_usdt: '1000',
  market: BTC,
  fees: { maker_rate: '0.0002', taker_rate: '0.0004' },
};

describe('previewTrade', () => {
  it('sizes, prices the risk to the stop and the PnL at each target, and carries the risk decision', () => {
    const p = previewTrade(LONG, ctx());
    expect(p).toMatchObject({
      ok: true,
      reasons: [],
      qty: '0.014',
      notional_usdt: '980',
      margin_usdt: '98',
      entry_fee_usdt: '0.392',
      // 0.014 × 500 + 0.392 entry fee + 0.014 × 69500 × 0.0004 exit fee
      risk_usdt: '7.7812',
      risk_pct_of_capital: '0.7781',
      risk: { allowed: true, code: 'ok' },
    });
    expect(p.targets).toEqual([
      // 0.004 × 500 − 0.004×70000×0.0004 − 0.004×70500×0.0002
      {
        n: 1,
        price: '70500',
        qty: '0.004',
        pnl_usdt: '1.8316',
        pnl_pct: '6.5414',
        pnl_pct_unleveraged: '0.6541',
        cumulative_pnl_usdt: '1.8316',
      },
      {
        n: 2,
        price: '71000',
        qty: '0.004',
        pnl_usdt: '3.8312',
        pnl_pct: '13.6829',
        pnl_pct_unleveraged: '1.3683',
        cumulative_pnl_usdt: '5.6628',
      },
      {
        n: 3,
        price: '72000',
        qty: '0.006',
        pnl_usdt: '11.7456',
        pnl_pct: '27.9657',
        pnl_pct_unleveraged: '2.7966',
        cumulative_pnl_usdt: '17.4084',
      },
    ]);
    expect(p.pnl_all_targets_usdt).toBe('17.4084');
  });

  it('uses the maker rate for a limit entry', () => {
    expect(previewTrade({ ...LONG, entry_type: 'limit' }, ctx()).entry_fee_usdt).toBe('0.196');
  });

  it('reports a min-notional rejection with its reason', () => {
    const p = previewTrade({ ...LONG, per_trade_usdt: '10', market: { ...BTC, minNotional: '100' } }, ctx());
    expect(p.ok).toBe(false);
    expect(p.sizing).toMatchObject({ ok: false, code: 'below_min_notional' });
    expect(p.reasons[0]).toMatch(/below the market's minimum notional 100 USDT/);
    expect(p.qty).toBeNull();
    expect(p.risk.allowed).toBe(false);
  });

  it('shows a risk block with its reason (and the kill switch even when nothing could be sized)', () => {
    const blocked = previewTrade(
      LONG,
      ctx({ today: { trade_count: 50, realized_pnl_pct: 0, last_loss_at: null } }),
    );
    expect(blocked).toMatchObject({
      ok: false,
      qty: '0.014',
      risk: { allowed: false, code: 'daily_trade_limit' },
    });
    expect(blocked.reasons).toEqual(['Daily trade limit reached: 50 trades today (limit 50)']);
    const halted = previewTrade({ ...LONG, per_trade_usdt: '1' }, ctx({ safety: { kill_switch: true } }));
    expect(halted.risk.code).toBe('kill_switch');
  });

  it('follows the risk engine when it reduces the size to fit the exposure cap', () => {
    const p = previewTrade(
      LONG,
      ctx({
        limits: { exposure_mode: 'reduce' },
        open_positions: [{ symbol: 'ETHUSDT', margin_usdt: '750' }],
      }),
    );
    // room 50 USDT margin × 10 / 70000 = 0.00714 → 0.007
    expect(p).toMatchObject({
      ok: true,
      qty: '0.007',
      margin_usdt: '49',
      risk: { code: 'exposure_reduced', adjusted_qty: '0.007' },
    });
    expect(p.targets.map((t) => t.qty)).toEqual(['0.002', '0.002', '0.003']);
  });

  it('risk-based sizing in the preview', () => {
    const p = previewTrade({ ...LONG, per_trade_usdt: '200', risk_pct: 1 }, ctx());
    expect(p).toMatchObject({ ok: true, qty: '0.02', sizing: { method: 'risk', capped: false } });
  });

  it('flags a stop or targets on the wrong side', () => {
    const p = previewTrade({ ...LONG, stop_loss: '70100', targets: ['69000'] }, ctx());
    expect(p.ok).toBe(false);
    expect(p.reasons).toEqual([
      'Stop loss must be below the entry for a LONG',
      'Targets must be above the entry for a LONG',
    ]);
    expect(p.targets).toEqual([]);
  });

  it('mirrors for a SHORT', () => {
    const p = previewTrade({ ...LONG, direction: 'SHORT', stop_loss: '70500', targets: ['69500'] }, ctx());
    expect(p.ok).toBe(true);
    expect(p.targets[0]?.pnl_usdt).toBe('6.4134'); // 0.014×500 − 0.392 − 0.014×69500×0.0002 (0.1946)
  });
});
