import type { Generated, Insertable, Selectable } from 'kysely';

export type PaymentStatus = 'PENDING' | 'CONFIRMED' | 'REJECTED';
export type PaidPlan = 'VIP' | 'PREMIUM';

/**
 * One row per submitted USDT (TRC-20) transfer: the invoice (plan, price, wallet, time) and what
 * became of it. `tx_hash` is UNIQUE: a transfer can pay once, ever, whatever its outcome. Amounts are
 * decimal strings (NUMERIC on PostgreSQL, TEXT on SQLite); times are epoch milliseconds.
 */
export interface PaymentsTable {
  id: Generated<number>;
  user_id: number;
  plan: PaidPlan;
  network: 'TRC20';
  /** 64 lower-case hex characters. */
  tx_hash: string;
  /** The plan's price when the invoice was made: the least the transfer must carry. */
  amount_usdt: string;
  duration_days: number;
  /** The operator's wallet and the token contract at invoice time (base58). */
  wallet_address: string;
  token_contract: string;
  status: PaymentStatus;
  /** Why it was rejected (or a note on a manual decision). */
  reason: string | null;
  /** What the chain showed arriving at the wallet (null for manual confirmations). */
  paid_usdt: string | null;
  /** Block time of the transfer (ms). */
  block_time: number | null;
  /** Chain look-ups so far, and when the next one is due (null once decided). */
  checks: number;
  next_check_at: number | null;
  /** What the last look-up saw: "not_final", "unknown", or an error (for the give-up reason). */
  last_check: string | null;
  /** 'chain' (the verifier) or 'admin' (manual verify / reject). */
  decided_via: 'chain' | 'admin' | null;
  /** The admin who decided it manually. */
  decided_by: number | null;
  decided_at: number | null;
  /** The plan and its expiry right after this payment was applied. */
  resulting_plan: PaidPlan | null;
  plan_expires_at: number | null;
  created_at: number;
  updated_at: number;
}

export type PaymentRow = Selectable<PaymentsTable>;
export type NewPayment = Insertable<PaymentsTable>;
