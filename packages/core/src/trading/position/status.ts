import type { PositionState } from './state';

/** CLOSED or CANCELED: the position accepts no new orders. */
export function isTerminal(s: PositionState): boolean {
  return s.status === 'CLOSED' || s.status === 'CANCELED';
}

/** PENDING (nothing filled), OPEN, or PARTIAL (some exit filled); terminal statuses are kept. */
export function updateStatus(s: PositionState): void {
  if (isTerminal(s)) return;
  if (s.entry_filled_qty === '0') s.status = 'PENDING';
  else s.status = s.exit_filled_qty === '0' ? 'OPEN' : 'PARTIAL';
}
