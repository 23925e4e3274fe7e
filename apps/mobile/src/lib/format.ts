/** Display helpers. Amounts arrive as decimal strings; they are only formatted here, never computed. */

export function fmtNum(value: string | number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || value === '') return '—';
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) return String(value);
  return n.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: digits });
}

export function fmtPrice(value: string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return value;
}

export function fmtUsdt(value: string | number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${fmtNum(value, 2)} USDT`;
}

export function fmtSigned(value: string | number | null | undefined, suffix = ''): string {
  if (value === null || value === undefined || value === '') return '—';
  const n = Number(value);
  const s = fmtNum(value, 2);
  return `${n > 0 ? '+' : ''}${s}${suffix}`;
}

export function tone(value: string | number | null | undefined): 'up' | 'down' | 'flat' {
  const n = Number(value);
  if (!Number.isFinite(n) || n === 0) return 'flat';
  return n > 0 ? 'up' : 'down';
}

export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}

export function fmtAgo(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}
