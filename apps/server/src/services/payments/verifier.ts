import { dec } from '@verzek/core';
import { duePayments, leasePayment, schedulePaymentCheck, type PaymentRow } from '@verzek/db';
import type { AppContext } from '../../context';
import { confirmPayment, rejectPayment } from './activation';
import { paymentSettings } from './settings';
import { judgeTransactionInfo, tronAddressToHex } from './tron';
import { TronGridClient, TronGridError } from './trongrid';

const HOUR = 3_600_000;
/** A looked-up payment is not looked up by another worker for this long. */
const LEASE_MS = 2 * 60_000;
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 30 * 60_000;

type Outcome = 'confirmed' | 'rejected' | 'pending' | 'skipped';

/** What one look-up found, when it decided nothing. */
export type Inconclusive = 'not_final' | 'unknown' | 'error';

/**
 * When to look again: a transaction the node knows but that isn't final yet is final within about
 * a minute, so soon; an unknown hash or an API error backs off exponentially (30 s … 30 min).
 */
export function retryDelayMs(kind: Inconclusive, checks: number): number {
  if (kind === 'not_final') return FIRST_RETRY_MS;
  return Math.min(FIRST_RETRY_MS * 2 ** Math.min(Math.max(checks - 1, 0), 10), MAX_RETRY_MS);
}

export interface VerifyOptions {
  /** Payments looked at per run. */
  limit?: number;
  /** Per HTTP request. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface VerifySummary {
  checked: number;
  confirmed: number;
  rejected: number;
  pending: number;
  /** Decided by someone else (an admin) while it was being looked up. */
  skipped: number;
}

/**
 * One pass of the verifier: every PENDING payment whose next look-up is due is checked against
 * TronGrid's final (solidified) data, then confirmed, rejected, or left PENDING with its next
 * look-up pushed back. Safe to run in several workers at once (a due payment is leased by one) and
 * to re-run (decisions are conditional on the payment still being PENDING).
 */
export async function verifyDuePayments(
  ctx: AppContext,
  options: VerifyOptions = {},
): Promise<VerifySummary> {
  const settings = paymentSettings(ctx.config);
  const client = new TronGridClient({
    baseUrl: settings.trongridUrl,
    apiKey: settings.trongridApiKey,
    timeoutMs: options.timeoutMs ?? 10_000,
    signal: options.signal,
  });
  const log = ctx.logger.child({ component: 'payments' });
  const summary: VerifySummary = { checked: 0, confirmed: 0, rejected: 0, pending: 0, skipped: 0 };
  const due = await duePayments(ctx.db, ctx.clock.now(), options.limit ?? 50);
  for (const payment of due) {
    if (options.signal?.aborted) break;
    const leased = await leasePayment(ctx.db, {
      id: payment.id,
      seenNextCheckAt: payment.next_check_at ?? 0,
      until: ctx.clock.now() + LEASE_MS,
    });
    if (!leased) continue;
    summary.checked += 1;
    let outcome: Outcome;
    try {
      outcome = await checkPayment(ctx, client, payment);
    } catch (err) {
      // A bug or a database problem: the lease runs out and the payment is looked at again.
      log.error({ err, paymentId: payment.id }, 'payment check failed');
      outcome = 'pending';
    }
    summary[outcome] += 1;
    if (outcome !== 'pending') log.info({ paymentId: payment.id, outcome }, 'payment decided');
  }
  return summary;
}

async function checkPayment(ctx: AppContext, client: TronGridClient, payment: PaymentRow): Promise<Outcome> {
  const settings = paymentSettings(ctx.config);
  const log = ctx.logger.child({ component: 'payments', paymentId: payment.id });
  let inconclusive: Inconclusive;
  let detail: string;
  try {
    const info = await client.transactionInfo(payment.tx_hash);
    const verdict = judgeTransactionInfo(info, {
      txid: payment.tx_hash,
      walletHex: tronAddressToHex(payment.wallet_address),
      tokenHex: tronAddressToHex(payment.token_contract),
      minAmount: dec(payment.amount_usdt),
      plan: payment.plan,
      notBefore: payment.created_at - settings.maxAgeHours * HOUR,
      maxAgeHours: settings.maxAgeHours,
    });
    if (verdict.kind === 'confirmed') {
      const confirmed = await confirmPayment(ctx, {
        paymentId: payment.id,
        via: 'chain',
        chain: { paid: verdict.paid, blockTime: verdict.blockTime },
      });
      return confirmed ? 'confirmed' : 'skipped';
    }
    if (verdict.kind === 'rejected') {
      const rejected = await rejectPayment(ctx, {
        paymentId: payment.id,
        via: 'chain',
        reason: verdict.reason,
        chain: { paid: verdict.paid, blockTime: verdict.blockTime },
      });
      return rejected ? 'rejected' : 'skipped';
    }
    if (verdict.kind === 'malformed') {
      inconclusive = 'error';
      detail = verdict.message;
    } else {
      // Not final, or unknown: the full node tells which.
      const tx = await client.transaction(payment.tx_hash);
      inconclusive = typeof tx.txID === 'string' ? 'not_final' : 'unknown';
      detail = inconclusive;
    }
  } catch (err) {
    if (!(err instanceof TronGridError)) throw err;
    inconclusive = 'error';
    detail = err.message;
    log.warn({ err: err.message }, 'TronGrid look-up failed; will retry');
  }

  const now = ctx.clock.now();
  const age = now - payment.created_at;
  // Give up only on what the chain said, never because TronGrid was unreachable.
  if (inconclusive !== 'error' && age >= settings.giveUpHours * HOUR) {
    const reason =
      inconclusive === 'unknown'
        ? `not found on chain: no transaction with this hash within ${settings.giveUpHours} h of submission`
        : `not final on chain within ${settings.giveUpHours} h of submission`;
    return (await rejectPayment(ctx, { paymentId: payment.id, via: 'chain', reason }))
      ? 'rejected'
      : 'skipped';
  }
  const checks = payment.checks + 1;
  await schedulePaymentCheck(ctx.db, {
    id: payment.id,
    checks,
    nextCheckAt: now + retryDelayMs(inconclusive, checks),
    lastCheck: detail.slice(0, 300),
    at: now,
  });
  return 'pending';
}
