import { iso, type Payment } from '@verzek/contract';
import { decStr } from '@verzek/core';
import type { PaymentRow } from '@verzek/db';

/** A payment as the API shows it: decimal strings for money, ISO times. */
export function toPaymentView(row: PaymentRow): Payment {
  return {
    id: row.id,
    user_id: row.user_id,
    plan: row.plan,
    network: row.network,
    tx_hash: row.tx_hash,
    amount_usdt: decStr(row.amount_usdt),
    paid_usdt: row.paid_usdt === null ? null : decStr(row.paid_usdt),
    wallet_address: row.wallet_address,
    token_contract: row.token_contract,
    status: row.status,
    reason: row.reason,
    block_time: iso(row.block_time),
    checks: row.checks,
    next_check_at: row.status === 'PENDING' ? iso(row.next_check_at) : null,
    decided_via: row.decided_via,
    decided_at: iso(row.decided_at),
    resulting_plan: row.resulting_plan,
    plan_expires_at: iso(row.plan_expires_at),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

/** "2026-12-22 12:00 UTC" for texts people read. */
export function humanTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "abcd1234…9f0e" for texts people read. */
export function shortHash(hash: string): string {
  return `${hash.slice(0, 8)}…${hash.slice(-4)}`;
}
