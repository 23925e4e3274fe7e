import {
  decidePayment,
  setPaymentResult,
  updateUser,
  type Db,
  type PaidPlan,
  type PaymentRow,
  type PaymentStatus,
  type UserRow,
} from '@verzek/db';
import type { AppContext } from '../../context';
import { audit } from '../audit';
import { alertAdmins, noticeUser } from '../notify/notify';
import { creditReferral } from '../partners/referrals';
import { extendPlan } from './plan-extension';
import { paymentSettings } from './settings';
import { humanTime, shortHash } from './view';

/**
 * Locks the user's row for the rest of the transaction (a no-op write takes the row lock on
 * PostgreSQL and the write lock on SQLite), so two payments of one user confirmed at once stack
 * instead of overwriting each other.
 */
async function lockUser(trx: Db, userId: number, now: number): Promise<UserRow> {
  return trx
    .updateTable('users')
    .set({ updated_at: now })
    .where('id', '=', userId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface ConfirmInput {
  paymentId: number;
  via: 'chain' | 'admin';
  /** What the chain showed (verifier). */
  chain?: { paid: string; blockTime: number };
  /** Manual confirmation: the admin, an optional different plan and a note. */
  actorId?: number;
  ip?: string | null;
  plan?: PaidPlan;
  note?: string;
}

/**
 * Confirms a payment and applies it, all in one transaction: the payment's status, the user's plan
 * (stacked, see extendPlan), the user's notice, the admins' alert, the audit entry and the
 * partner's referral credit. Returns undefined, changing nothing, when the payment is no longer in
 * a state it can be confirmed from (someone else decided it first) — so running twice is harmless.
 */
export async function confirmPayment(ctx: AppContext, input: ConfirmInput): Promise<PaymentRow | undefined> {
  const settings = paymentSettings(ctx.config);
  const now = ctx.clock.now();
  const from: PaymentStatus[] = input.via === 'chain' ? ['PENDING'] : ['PENDING', 'REJECTED'];
  return ctx.db.transaction().execute(async (trx) => {
    const claimed = await decidePayment(trx, input.paymentId, from, {
      status: 'CONFIRMED',
      reason: input.note ?? null,
      ...(input.chain ? { paid_usdt: input.chain.paid, block_time: input.chain.blockTime } : {}),
      ...(input.plan ? { plan: input.plan } : {}),
      decided_via: input.via,
      decided_by: input.actorId ?? null,
      decided_at: now,
      updated_at: now,
    });
    if (!claimed) return undefined;
    const user = await lockUser(trx, claimed.user_id, now);
    const next = extendPlan(
      { plan: user.plan, expiresAt: user.plan_expires_at },
      { plan: claimed.plan, durationDays: claimed.duration_days },
      settings.prices,
      now,
    );
    const updated = await updateUser(trx, user.id, {
      plan: next.plan,
      plan_expires_at: next.expiresAt,
      // Auto-trading is PREMIUM's: a stale flag from a lapsed PREMIUM must not come back with VIP.
      ...(next.plan !== 'PREMIUM' ? { auto_trade_enabled: 0 } : {}),
      updated_at: now,
    });
    const payment = await setPaymentResult(trx, claimed.id, {
      resulting_plan: next.plan,
      plan_expires_at: next.expiresAt,
    });
    const till = next.expiresAt === null ? 'without expiry' : humanTime(next.expiresAt);
    const facts = {
      payment_id: payment.id,
      tx_hash: payment.tx_hash,
      plan: payment.plan,
      resulting_plan: next.plan,
      plan_expires_at: next.expiresAt === null ? null : new Date(next.expiresAt).toISOString(),
      amount_usdt: payment.paid_usdt ?? payment.amount_usdt,
      via: input.via,
    };
    await noticeUser(trx, {
      userId: user.id,
      kind: 'plan_activated',
      text: `Payment received: your ${next.plan} plan is active, valid till ${till}.`,
      data: facts,
      at: now,
    });
    await alertAdmins(trx, {
      kind: 'new_paid_plan',
      text: `New ${payment.plan} activated: ${user.username}, ${next.plan}, valid till ${till}`,
      userId: user.id,
      data: facts,
      at: now,
    });
    await audit(trx, {
      action: 'payment_confirmed',
      at: now,
      userId: user.id,
      actorId: input.actorId ?? null,
      ip: input.ip ?? null,
      detail: { ...facts, note: input.note ?? null },
    });
    await creditReferral(trx, {
      user: updated ?? user,
      payment,
      creditUsdt: settings.referralCreditUsdt,
      now,
    });
    return payment;
  });
}

export interface RejectInput {
  paymentId: number;
  via: 'chain' | 'admin';
  reason: string;
  chain?: { paid?: string; blockTime?: number };
  actorId?: number;
  ip?: string | null;
}

/**
 * Rejects a PENDING payment with its reason, telling the user (and, for the verifier's decisions,
 * the admins, who may want to look at it). Undefined when it was not PENDING any more.
 */
export async function rejectPayment(ctx: AppContext, input: RejectInput): Promise<PaymentRow | undefined> {
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const payment = await decidePayment(trx, input.paymentId, ['PENDING'], {
      status: 'REJECTED',
      reason: input.reason,
      ...(input.chain?.paid !== undefined ? { paid_usdt: input.chain.paid } : {}),
      ...(input.chain?.blockTime !== undefined ? { block_time: input.chain.blockTime } : {}),
      decided_via: input.via,
      decided_by: input.actorId ?? null,
      decided_at: now,
      updated_at: now,
    });
    if (!payment) return undefined;
    const facts = {
      payment_id: payment.id,
      tx_hash: payment.tx_hash,
      plan: payment.plan,
      reason: input.reason,
    };
    await noticeUser(trx, {
      userId: payment.user_id,
      kind: 'payment_rejected',
      text: `Your ${payment.plan} payment (transaction ${shortHash(payment.tx_hash)}) was rejected: ${input.reason}`,
      data: facts,
      at: now,
    });
    if (input.via === 'chain') {
      const user = await trx
        .selectFrom('users')
        .select('username')
        .where('id', '=', payment.user_id)
        .executeTakeFirst();
      await alertAdmins(trx, {
        kind: 'payment_rejected',
        text: `Payment rejected: ${user?.username ?? `user ${payment.user_id}`}, ${payment.plan}, transaction ${shortHash(payment.tx_hash)}: ${input.reason}`,
        userId: payment.user_id,
        data: facts,
        at: now,
      });
    }
    await audit(trx, {
      action: 'payment_rejected',
      at: now,
      userId: payment.user_id,
      actorId: input.actorId ?? null,
      ip: input.ip ?? null,
      detail: { ...facts, via: input.via },
    });
    return payment;
  });
}
