import type { SignalEventRow, SignalRow } from '@verzek/db';
import type { SignalCard } from '@verzek/telegram';

/** A stored signal (and its events, for the outcome) as the templates see it. */
export function signalCard(s: SignalRow, events: readonly Pick<SignalEventRow, 'kind'>[] = []): SignalCard {
  let outcome: SignalCard['outcome'] = null;
  for (const e of events) {
    if (e.kind === 'ALL_TP' || e.kind === 'SL_HIT' || e.kind === 'CLOSED' || e.kind === 'CANCELLED')
      outcome = e.kind;
  }
  return {
    id: s.id,
    symbol: s.symbol,
    direction: s.direction,
    entryType: s.entry_type,
    entries: JSON.parse(s.entries) as string[],
    targets: JSON.parse(s.targets) as string[],
    stopLoss: s.stop_loss === null ? null : String(s.stop_loss),
    leverage: s.leverage,
    marginMode: s.margin_mode,
    tradeType: s.trade_type,
    highestTp: s.highest_tp,
    outcome,
    entryFilled: events.some((e) => e.kind === 'ENTRY_FILLED'),
  };
}
