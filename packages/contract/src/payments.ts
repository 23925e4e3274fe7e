import { z } from 'zod';
import { DecimalString, IsoTime, PageQuery } from './common';
import { Plan } from './plans';

export const PaidPlan = z.enum(['VIP', 'PREMIUM']);
export type PaidPlan = z.infer<typeof PaidPlan>;

export const PaymentStatus = z.enum(['PENDING', 'CONFIRMED', 'REJECTED']);
export type PaymentStatus = z.infer<typeof PaymentStatus>;

/** A TRON transaction id: 64 hex characters (an optional 0x is dropped), stored lower-case. */
export const TxHash = z
  .string()
  .trim()
  .regex(/^(0[xX])?[0-9a-fA-F]{64}$/, 'must be a transaction hash of 64 hexadecimal characters')
  .transform((h) => h.replace(/^0[xX]/, '').toLowerCase());

const Network = z
  .string()
  .trim()
  .toUpperCase()
  .pipe(z.literal('TRC20', { message: 'only USDT on TRON (TRC20) is accepted' }));

export const InitiatePaymentBody = z.strictObject({
  plan: PaidPlan,
  tx_hash: TxHash,
  network: Network.default('TRC20'),
});

export const PlanOffer = z.object({
  plan: Plan,
  price_usdt: DecimalString.describe('"0" for TRIAL'),
  duration_days: z.number().int().nullable().describe('null: no expiry'),
  features: z.array(z.string()),
});

export const PlansResponse = z.object({
  currency: z.literal('USDT'),
  network: z.literal('TRC20'),
  token_contract: z.string().describe('USDT TRC-20 contract (base58)'),
  wallet_address: z.string().nullable().describe('where to send USDT; null while payments are disabled'),
  payments_enabled: z.boolean(),
  payments_disabled_reason: z.string().nullable(),
  duration_days: z.number().int(),
  plans: z.array(PlanOffer),
});

export const Payment = z.object({
  id: z.number().int(),
  user_id: z.number().int(),
  plan: PaidPlan,
  network: z.literal('TRC20'),
  tx_hash: z.string(),
  amount_usdt: DecimalString.describe('the invoice: the least the transfer must carry'),
  paid_usdt: DecimalString.nullable().describe(
    'what the chain showed arriving (null until confirmed on chain)',
  ),
  wallet_address: z.string(),
  token_contract: z.string(),
  status: PaymentStatus,
  reason: z.string().nullable(),
  block_time: IsoTime.nullable(),
  checks: z.number().int(),
  next_check_at: IsoTime.nullable(),
  decided_via: z.enum(['chain', 'admin']).nullable(),
  decided_at: IsoTime.nullable(),
  resulting_plan: PaidPlan.nullable(),
  plan_expires_at: IsoTime.nullable().describe('the plan expiry right after this payment was applied'),
  created_at: IsoTime,
  updated_at: IsoTime,
});
export type Payment = z.infer<typeof Payment>;

export const PaymentList = z.object({
  items: z.array(Payment),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});

export const AdminPayment = Payment.extend({ username: z.string().nullable() });

export const AdminPaymentList = z.object({
  items: z.array(AdminPayment),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});

export const AdminPaymentsQuery = PageQuery.extend({
  status: PaymentStatus.optional(),
  plan: PaidPlan.optional(),
  user_id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
});

export const VerifyPaymentBody = z.strictObject({
  tx_hash: TxHash,
  plan: PaidPlan.optional().describe('confirm as this plan instead of the one submitted'),
  note: z.string().trim().max(500).optional(),
});

export const RejectPaymentBody = z.strictObject({
  tx_hash: TxHash,
  reason: z.string().trim().min(1).max(500),
});
