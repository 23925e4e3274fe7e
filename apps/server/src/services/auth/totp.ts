import { Secret, TOTP } from 'otpauth';

const PERIOD_S = 30;

function totpFor(secretBase32: string, label: string): TOTP {
  return new TOTP({
    issuer: 'Verzek Auto Trader',
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD_S,
    secret: Secret.fromBase32(secretBase32),
  });
}

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export function otpauthUri(secretBase32: string, label: string): string {
  return totpFor(secretBase32, label).toString();
}

/**
 * Checks a code (RFC 6238, ±1 step for clock drift) and returns the time step it matched, so the
 * caller can refuse a step at or before the last one accepted (no replay). null when wrong.
 */
export function matchTotp(secretBase32: string, code: string, nowMs: number): number | null {
  const delta = totpFor(secretBase32, 'check').validate({ token: code, timestamp: nowMs, window: 1 });
  if (delta === null) return null;
  return Math.floor(nowMs / 1000 / PERIOD_S) + delta;
}

/** The current code (used by tests and the demo, never by the login path). */
export function currentTotp(secretBase32: string, nowMs: number): string {
  return totpFor(secretBase32, 'gen').generate({ timestamp: nowMs });
}
