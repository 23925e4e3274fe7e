import { iso } from '@verzek/contract';
import type { SignalRow } from '@verzek/db';

/** A signal as the API and live events show it. */
export function signalView(s: SignalRow) {
  return {
    id: s.id,
    source_id: s.source_id,
    symbol: s.symbol,
    direction: s.direction,
    entry_type: s.entry_type,
    entries: JSON.parse(s.entries) as string[],
    targets: JSON.parse(s.targets) as string[],
    stop_loss: s.stop_loss === null ? null : String(s.stop_loss),
    leverage: s.leverage,
    margin_mode: s.margin_mode,
    trade_type: s.trade_type,
    confidence: s.confidence,
    duration: s.duration,
    status: s.status,
    highest_tp: s.highest_tp,
    created_at: iso(s.created_at),
    closed_at: iso(s.closed_at),
  };
}
