import { decStr, tryDec } from '@verzek/core';
import { z } from 'zod';

/** Every error the API answers: a stable machine code and a human reason. */
export const ErrorBody = z.object({ error: z.string(), reason: z.string() });
export type ErrorBody = z.infer<typeof ErrorBody>;

/**
 * Money and prices travel as decimal strings; numbers are accepted on input and canonicalised
 * ("70000.50" → "70000.5"). A codec, so response serialisation (encode) works too.
 */
export const DecimalString = z
  .codec(z.union([z.string().max(64), z.number()]), z.string(), {
    decode: (value, payload) => {
      const d = tryDec(value);
      if (d === null) {
        payload.issues.push({ code: 'custom', message: 'must be a decimal number', input: value });
        return z.NEVER;
      }
      return decStr(d);
    },
    encode: (value) => value,
  })
  .meta({ description: 'decimal number as a string, e.g. "70000.5"' });

export const PositiveDecimalString = DecimalString.refine((v) => tryDec(v)?.gt(0) === true, {
  message: 'must be greater than 0',
});

export const IsoTime = z.string().meta({ format: 'date-time' });

/** Epoch ms (storage) → ISO string (API), null-safe. */
export function iso(ms: number): string;
export function iso(ms: number | null): string | null;
export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

export const IdParam = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const OkBody = z.object({ ok: z.literal(true), message: z.string().optional() });

/**
 * The body of a PUT that changes part of a settings section: every field optional, no defaults
 * (a default would overwrite the stored value), unknown keys refused.
 */
export function patchOf<T extends z.ZodObject>(
  schema: T,
): z.ZodType<Partial<z.output<T>>, Partial<z.input<T>>> {
  const shape = Object.fromEntries(
    Object.entries(schema.shape).map(([key, field]) => [
      key,
      (field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : (field as z.ZodType)).optional(),
    ]),
  );
  return z.strictObject(shape) as unknown as z.ZodType<Partial<z.output<T>>, Partial<z.input<T>>>;
}
