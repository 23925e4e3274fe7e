import type { KeyPermissions } from '@verzek/exchange';

/** What is stored in `exchange_accounts.permissions` and shown to the user. */
export interface PermissionReport {
  checked_at: string;
  reported: boolean;
  can_read: boolean | null;
  can_trade: boolean | null;
  can_withdraw: boolean | null;
  ip_restricted: boolean | null;
  /** Why the key is refused (null = accepted). */
  refused: string | null;
  warnings: string[];
  note: string | null;
}

/**
 * The platform's policy on a key's permissions (SPEC §4): a key that can withdraw (or move funds
 * between accounts) is refused; one that cannot trade futures is refused; a key without an IP
 * whitelist is accepted with a warning.
 */
export function assessPermissions(p: KeyPermissions, now: number): PermissionReport {
  const warnings: string[] = [];
  let refused: string | null = null;
  if (p.canWithdraw === true) {
    refused =
      'This API key can withdraw or transfer funds. Create a key with withdrawals (and universal transfer) disabled — the platform only needs reading and futures trading.';
  } else if (p.canTrade === false) {
    refused = 'This API key cannot trade futures. Enable futures trading on the key.';
  }
  if (p.ipRestricted === false) {
    warnings.push(
      "This API key has no IP whitelist: anyone who obtains it can trade your account. Restrict it to this server's IP (set EXCHANGE_HTTPS_PROXY for a static IP).",
    );
  }
  if (!p.reported && p.note) warnings.push(p.note);
  return {
    checked_at: new Date(now).toISOString(),
    reported: p.reported,
    can_read: p.canRead,
    can_trade: p.canTrade,
    can_withdraw: p.canWithdraw,
    ip_restricted: p.ipRestricted,
    refused,
    warnings,
    note: p.note,
  };
}
