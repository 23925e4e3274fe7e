import type { Generated, Selectable } from 'kysely';

/** One simulated futures wallet per exchange account id (the paper venue's own books). */
export interface PaperAccountsTable {
  account_id: number;
  starting_capital: string;
  /** Wallet balance in USDT: starting capital + realized PnL − fees. */
  balance: string;
  realized_pnl: string;
  fees_paid: string;
  /** JSON: `{ "BTCUSDT": 10, … }`, leverage per symbol (symbols absent use the venue default). */
  leverage: string;
  /** Bumped by every write that locks the row. */
  version: number;
  created_at: number;
  updated_at: number;
}

export type PaperAccountRow = Selectable<PaperAccountsTable>;

export type PaperOrderStatus = 'NEW' | 'FILLED' | 'CANCELED' | 'EXPIRED';

/** An order the paper venue accepted (rejected orders are never stored, as on a real venue). */
export interface PaperOrdersTable {
  id: Generated<number>;
  account_id: number;
  /** Unique per account. */
  client_order_id: string;
  symbol: string;
  kind: 'MARKET' | 'LIMIT' | 'STOP_MARKET';
  side: 'BUY' | 'SELL';
  /** The quantity asked for. */
  requested_qty: string;
  /** The order's quantity: `requested_qty`, or less when a reduce-only order was capped at the position. */
  qty: string;
  /** LIMIT price. */
  price: string | null;
  /** STOP_MARKET trigger price. */
  stop_price: string | null;
  reduce_only: number;
  status: PaperOrderStatus;
  filled_qty: string;
  avg_price: string | null;
  /** Why an order expired. */
  reason: string | null;
  created_at: number;
  updated_at: number;
}

export type PaperOrderRow = Selectable<PaperOrdersTable>;

export interface PaperFillsTable {
  id: Generated<number>;
  order_id: number;
  account_id: number;
  symbol: string;
  side: 'BUY' | 'SELL';
  qty: string;
  price: string;
  fee: string;
  fee_asset: string;
  liquidity: 'MAKER' | 'TAKER';
  /** PnL this fill realized on the position it reduced (0 for an opening fill). */
  realized_pnl: string;
  created_at: number;
}

export type PaperFillRow = Selectable<PaperFillsTable>;

/** Net position per (account, symbol), one-way mode: `qty` signed (> 0 long, < 0 short, 0 flat). */
export interface PaperPositionsTable {
  account_id: number;
  symbol: string;
  qty: string;
  /** Average entry price; 0 when flat. */
  entry_price: string;
  /** Cumulative realized PnL on this symbol. */
  realized_pnl: string;
  updated_at: number;
}

export type PaperPositionRow = Selectable<PaperPositionsTable>;
