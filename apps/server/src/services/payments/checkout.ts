import {
  countPendingPayments,
  findPaymentByHash,
  insertPayment,
  isUniqueViolation,
  type PaidPlan,
  type PaymentRow,
  type UserRow,
} from '@verzek/db';
import type { AppContext } from '../../context';
import { ApiError, conflict } from '../../errors';
import { audit } from '../audit';
import { paymentSettings } from './settings';

/** A user may have this many payments waiting for the chain at once (each costs TronGrid calls). */
export const MAX_PENDING_PER_USER = 5;

const hashUsed = () =>
  conflict(
    'tx_hash_used',
    'This transaction has already been submitted for a payment; one transfer can pay only once',
  );

/**
 * Records a submitted transfer as a PENDING payment (the invoice: plan, price, wallet, time); the
 * verifier checks it on chain. The transaction hash is UNIQUE in the table, so of two submissions
 * of one hash — by anyone, at the same moment or years apart — exactly one is accepted.
 */
export async function initiatePayment(
  ctx: AppContext,
  user: UserRow,
  input: { plan: PaidPlan; tx_hash: string },
  ip: string | null,
): Promise<PaymentRow> {
  const settings = paymentSettings(ctx.config);
  if (!settings.enabled || settings.walletAddress === null) {
    throw new ApiError(503, 'payments_disabled', settings.disabledReason ?? 'Payments are disabled');
  }
  const existing = await findPaymentByHash(ctx.db, input.tx_hash);
  if (existing) {
    if (existing.user_id === user.id) {
      throw conflict(
        'tx_hash_used',
        `You already submitted this transaction (payment ${existing.id}, ${existing.status})`,
      );
    }
    throw hashUsed();
  }
  if ((await countPendingPayments(ctx.db, user.id)) >= MAX_PENDING_PER_USER) {
    throw conflict(
      'too_many_pending',
      `You have ${MAX_PENDING_PER_USER} payments waiting for verification; wait for them first`,
    );
  }
  const now = ctx.clock.now();
  let payment: PaymentRow;
  try {
    payment = await insertPayment(ctx.db, {
      user_id: user.id,
      plan: input.plan,
      network: 'TRC20',
      tx_hash: input.tx_hash,
      amount_usdt: settings.prices[input.plan],
      duration_days: settings.durationDays,
      wallet_address: settings.walletAddress,
      token_contract: settings.usdtContract,
      status: 'PENDING',
      reason: null,
      paid_usdt: null,
      block_time: null,
      checks: 0,
      next_check_at: now,
      last_check: null,
      decided_via: null,
      decided_by: null,
      decided_at: null,
      resulting_plan: null,
      plan_expires_at: null,
      created_at: now,
      updated_at: now,
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw hashUsed(); // lost the race for this hash
    throw err;
  }
  await audit(ctx.db, {
    action: 'payment_submitted',
    at: now,
    userId: user.id,
    ip,
    detail: {
      payment_id: payment.id,
      plan: payment.plan,
      tx_hash: payment.tx_hash,
      amount_usdt: payment.amount_usdt,
    },
  });
  return payment;
}
