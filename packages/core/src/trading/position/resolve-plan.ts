import { decStr, tryDec } from '../../money';
import { resolveTpWeights } from '../split-qty';
import type { EntrySpec, PositionPlan, ResolvedPlan } from './plan';

function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

function canonical(v: unknown): string {
  const d = tryDec(v);
  return d == null ? str(v) : decStr(d);
}

function resolveEntry(e: EntrySpec | undefined): EntrySpec {
  if (e?.type === 'limit') return { type: 'limit', price: canonical(e.price) };
  if (e?.type === 'zone')
    return { type: 'zone', low: canonical(e.low), high: canonical(e.high), parts: e.parts };
  return { type: 'market' };
}

function zoneMid(entry: EntrySpec): string | null {
  if (entry.type !== 'zone') return null;
  const low = tryDec(entry.low);
  const high = tryDec(entry.high);
  return low == null || high == null ? null : decStr(low.plus(high).div(2));
}

/**
 * The plan with defaults applied and every optional field explicit (null), as plain JSON, numbers as
 * canonical decimal strings. Tolerant of invalid input (used to record an invalid plan too).
 */
export function resolvePlan(plan: PositionPlan): ResolvedPlan {
  const p = (plan ?? {}) as Partial<PositionPlan>;
  const targets = Array.isArray(p.targets) ? p.targets.map(canonical) : [];
  const weights = resolveTpWeights(targets.length, p.tp_split_pct);
  const entry = resolveEntry(p.entry);
  const market = p.market;
  const dca = p.dca;
  return {
    symbol: str(p.symbol).trim(),
    direction: p.direction === 'SHORT' ? 'SHORT' : 'LONG',
    leverage: typeof p.leverage === 'number' && Number.isFinite(p.leverage) ? p.leverage : 1,
    margin_mode: p.margin_mode ?? null,
    entry,
    qty: canonical(p.qty),
    entry_reference:
      p.entry_reference != null
        ? canonical(p.entry_reference)
        : entry.type === 'limit'
          ? entry.price
          : zoneMid(entry),
    targets,
    tp_weights: 'weights' in weights ? weights.weights : targets.map(() => '1'),
    stop_loss: p.stop_loss == null ? null : canonical(p.stop_loss),
    breakeven: p.breakeven ?? 'breakeven',
    dca:
      dca == null
        ? null
        : {
            safety_orders: dca.safety_orders,
            price_deviation_pct: dca.price_deviation_pct,
            step_scale: dca.step_scale,
            volume_scale: dca.volume_scale,
            base_fraction: dca.base_fraction ?? null,
          },
    market: {
      tickSize: canonical(market?.tickSize),
      lotSize: canonical(market?.lotSize),
      minQty: canonical(market?.minQty),
      minNotional: canonical(market?.minNotional),
    },
    fees: { maker_rate: canonical(p.fees?.maker_rate), taker_rate: canonical(p.fees?.taker_rate) },
    quote_asset:
      typeof p.quote_asset === 'string' && p.quote_asset.trim() !== '' ? p.quote_asset.trim() : 'USDT',
  };
}
