/** Helpers to read loosely shaped JSON objects from webhooks. */

export type JsonObject = Record<string, unknown>;

const MAX_KEYS = 200;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object with lower-cased keys (first spelling wins), at most MAX_KEYS keys. */
export function lowerKeys(obj: JsonObject): Map<string, unknown> {
  const out = new Map<string, unknown>();
  let n = 0;
  for (const key of Object.keys(obj)) {
    if (n++ >= MAX_KEYS) break;
    const lower = key.toLowerCase();
    if (!out.has(lower)) out.set(lower, obj[key]);
  }
  return out;
}

/** The first present (not null, not "") value among the aliases. */
export function pick(map: ReadonlyMap<string, unknown>, aliases: readonly string[]): unknown {
  for (const a of aliases) {
    const v = map.get(a);
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
}

/** A short printable form of a value for a rejection reason. */
export function show(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 24 ? `${text.slice(0, 24)}…` : text;
}

/** Integer 1..max from a number or numeric string, else null. */
export function smallInt(value: unknown, max: number): number | null {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\s*\d{1,3}\s*$/.test(value)
        ? Number(value)
        : NaN;
  return Number.isInteger(n) && n >= 1 && n <= max ? n : null;
}
