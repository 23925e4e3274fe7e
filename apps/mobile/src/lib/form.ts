import type { z } from 'zod';

export type FieldErrors = Record<string, string>;

/** The first message per field of a failed zod parse (`symbol`, `tp.1` → `tp`). */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? String(issue.path[0]) : '_';
    out[key] ??= issue.message;
  }
  return out;
}

/** Validates a form against a contract schema: the parsed value, or the messages per field. */
export function validate<T extends z.ZodType>(
  schema: T,
  value: unknown,
): { ok: true; data: z.output<T> } | { ok: false; errors: FieldErrors } {
  const result = schema.safeParse(value);
  return result.success ? { ok: true, data: result.data } : { ok: false, errors: fieldErrors(result.error) };
}

/** "1, 2.5 ,3" → ["1", "2.5", "3"] (empty parts dropped). */
export function list(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A number typed in a field, or undefined when empty (so optional fields stay absent). */
export function num(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : (Number.NaN as number);
}
