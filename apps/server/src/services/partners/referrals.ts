import { dec, decStr } from '@verzek/core';
import {
  findReferringPartner,
  hasOtherConfirmedPayment,
  insertReferralCredit,
  type Db,
  type PaymentRow,
  type UserRow,
} from '@verzek/db';
import { audit } from '../audit';
import { alertAdmins } from '../notify/notify';

/**
 * Credits the partner who referred `user`, if this confirmed payment is the user's first paid plan
 * and the partner is active. Once per user, ever (a UNIQUE constraint makes it so even under races).
 * Runs inside the transaction that confirms the payment.
 */
export async function creditReferral(
  trx: Db,
  input: { user: UserRow; payment: PaymentRow; creditUsdt: string; now: number },
): Promise<boolean> {
  const { user, payment, now } = input;
  const amount = dec(input.creditUsdt);
  if (amount.lte(0)) return false;
  const partner = await findReferringPartner(trx, user);
  if (!partner || partner.active !== 1) return false;
  if (await hasOtherConfirmedPayment(trx, user.id, payment.id)) return false;
  const credited = await insertReferralCredit(trx, {
    partner_id: partner.id,
    user_id: user.id,
    payment_id: payment.id,
    amount_usdt: decStr(amount),
    created_at: now,
  });
  if (!credited) return false;
  const plan = payment.resulting_plan ?? payment.plan;
  await alertAdmins(trx, {
    kind: 'referral_credited',
    text: `Partner ${partner.name} (${partner.code}) earned ${decStr(amount)} USDT: ${user.username} activated ${plan}`,
    userId: user.id,
    data: { partner_id: partner.id, code: partner.code, amount_usdt: decStr(amount), payment_id: payment.id },
    at: now,
  });
  await audit(trx, {
    action: 'referral_credited',
    at: now,
    userId: user.id,
    detail: {
      partner_id: partner.id,
      code: partner.code,
      amount_usdt: decStr(amount),
      payment_id: payment.id,
    },
  });
  return true;
}
