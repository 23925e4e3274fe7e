/** Fixed-point decimals (18 dp) on bigint for the fake Bybit: exact like the exchange, never floats. */

const SCALE = 10n ** 18n;
export const DEC_RE = /^-?\d+(\.\d+)?$/;

export function fx(s: string | number): bigint {
  const text = typeof s === 'number' ? s.toString() : s.trim();
  if (!DEC_RE.test(text)) throw new Error(`not a decimal: ${text}`);
  const neg = text.startsWith('-');
  const [int, frac = ''] = (neg ? text.slice(1) : text).split('.');
  if (frac.length > 18) throw new Error(`too many decimals: ${text}`);
  const v = BigInt(int!) * SCALE + BigInt((frac + '0'.repeat(18)).slice(0, 18));
  return neg ? -v : v;
}

/** Canonical text (no trailing zeros), or exactly `dp` decimals. */
export function str(v: bigint, dp?: number): string {
  const neg = v < 0n;
  const a = neg ? -v : v;
  const int = (a / SCALE).toString();
  let frac = (a % SCALE).toString().padStart(18, '0');
  frac = dp !== undefined ? frac.slice(0, dp).padEnd(dp, '0') : frac.replace(/0+$/, '');
  const out = frac ? `${int}.${frac}` : int;
  return neg && a !== 0n ? `-${out}` : out;
}

export const mul = (a: bigint, b: bigint): bigint => (a * b) / SCALE;
export const div = (a: bigint, b: bigint): bigint => (a * SCALE) / b;
export const abs = (a: bigint): bigint => (a < 0n ? -a : a);
export const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
export const decimals = (s: string): number =>
  s.includes('.') ? s.split('.')[1]!.replace(/0+$/, '').length : 0;
