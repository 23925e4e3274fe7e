import fc from 'fast-check';

/** The slice of JSON Schema (as the OpenAPI document of /docs/json has it) the fuzz reads. */
export interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean | number;
  exclusiveMaximum?: boolean | number;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  nullable?: boolean;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  default?: unknown;
}

/** Strings that break naive code: SQL and HTML injection, control and bidi characters, odd Unicode. */
export const HOSTILE_STRINGS = [
  "' OR '1'='1",
  '1; DROP TABLE users;--',
  '"; SELECT pg_sleep(5);--',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '{{7*7}}${7*7}',
  '../../../../etc/passwd',
  'nul\u0000byte',
  '\u202Eevil\u202C rtl',
  'مرحبا بالعالم',
  '🚀💰🔥 emoji',
  'e\u0301 combining',
  '\uFEFFbom',
  '\uD800 lone surrogate',
  '%00%27%22',
  '\r\nX-Injected: 1',
];

/** A value the schema accepts, as small as possible (required fields only); null when unsure. */
export function sampleValid(schema: Schema, seed: number): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  const alt = schema.anyOf ?? schema.oneOf;
  if (alt) return sampleValid(alt[0]!, seed);
  if (schema.allOf) return sampleValid(schema.allOf[0]!, seed);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const name of schema.required ?? [])
        out[name] = sampleValid(schema.properties?.[name] ?? {}, seed);
      return out;
    }
    case 'array': {
      const n = schema.minItems ?? 0;
      return Array.from({ length: n }, () => sampleValid(schema.items ?? {}, seed));
    }
    case 'integer':
    case 'number': {
      const lo = lowerBound(schema) ?? 1;
      return type === 'integer' ? Math.ceil(lo) : lo;
    }
    case 'boolean':
      return false;
    case 'string': {
      if (schema.format === 'email') return `fuzz${seed}@example.com`;
      if (schema.format === 'date-time') return '2026-11-22T12:00:00.000Z';
      if (schema.format === 'date') return '2026-11-22';
      if (schema.format === 'uri' || schema.format === 'url') return 'https://example.com/x';
      if (schema.pattern) {
        const [v] = fc.sample(fc.stringMatching(new RegExp(schema.pattern)), { seed, numRuns: 1 });
        if (v !== undefined && v.length <= (schema.maxLength ?? Infinity)) return v;
      }
      return 'a'.repeat(Math.max(1, schema.minLength ?? 1));
    }
    default:
      return null;
  }
}

function lowerBound(s: Schema): number | undefined {
  if (typeof s.exclusiveMinimum === 'number') return s.exclusiveMinimum + 1;
  if (s.minimum === undefined) return undefined;
  return s.exclusiveMinimum === true ? s.minimum + 1 : s.minimum;
}

function types(s: Schema): Set<string> {
  const out = new Set<string>();
  const alt = s.anyOf ?? s.oneOf;
  if (alt) for (const a of alt) for (const t of types(a)) out.add(t);
  if (s.type) for (const t of [s.type].flat()) out.add(t);
  if (s.enum) for (const v of s.enum) out.add(v === null ? 'null' : typeof v);
  if (s.nullable) out.add('null');
  if (s.const !== undefined) out.add(typeof s.const);
  if (out.has('integer')) out.add('number');
  return out;
}

/** Marker replaced in the JSON text by a number JSON cannot carry (JSON.parse reads 1e309 as Infinity). */
export const HUGE_NUMBER = '\u0000__1e309__';

/**
 * Values this schema refuses, each with a label: wrong types, out-of-range numbers, too long or too
 * short strings, values outside an enum, bad items, missing required and extra fields (nested objects
 * too, to a small depth). Only values that are invalid by construction are produced.
 */
export function invalidValues(schema: Schema, depth = 0): { label: string; value: unknown }[] {
  const out: { label: string; value: unknown }[] = [];
  const t = types(schema);
  const add = (label: string, value: unknown) => out.push({ label, value });
  // Wrong types (a type no branch of the schema has).
  if (!t.has('string') && t.size > 0) add('string for non-string', '12abc');
  if (!t.has('number') && t.size > 0) add('number for non-number', 42);
  if (!t.has('boolean') && t.size > 0) add('boolean for non-boolean', true);
  if (!t.has('object') && t.size > 0) add('object for non-object', { nested: { x: 1 } });
  if (!t.has('array') && t.size > 0) add('array for non-array', ['x']);
  if (!t.has('null') && t.size > 0) add('null for non-nullable', null);
  if (schema.anyOf ?? schema.oneOf) return out;

  if (t.has('number') && !t.has('string')) {
    add('1e309 (Infinity)', HUGE_NUMBER);
    const lo = lowerBound(schema);
    if (typeof schema.exclusiveMinimum === 'number') add('at exclusive minimum', schema.exclusiveMinimum);
    else if (schema.minimum !== undefined)
      add('below minimum', schema.exclusiveMinimum === true ? schema.minimum : schema.minimum - 0.5);
    if (schema.maximum !== undefined) add('above maximum', schema.maximum + 1);
    if ([schema.type].flat().includes('integer')) add('fraction for integer', (lo ?? 0) + 1.5);
    if (lo !== undefined && lo >= 0) add('negative', -1);
  }
  if ([schema.type].flat().includes('string') && t.size === 1) {
    if (schema.enum) add('not in enum', 'NOT_IN_ENUM_☃');
    if (schema.maxLength !== undefined) {
      add('one over maxLength', 'x'.repeat(schema.maxLength + 1));
      add('100 KB string', 'ß'.repeat(50_000));
    }
    if ((schema.minLength ?? 0) > 0) add('empty string', '');
    // PostgreSQL text cannot hold NUL: the API refuses it everywhere (json-body.ts).
    add('NUL character', 'nul\u0000byte');
    if (schema.pattern) {
      const re = new RegExp(schema.pattern);
      for (const s of HOSTILE_STRINGS.slice(0, 5))
        if (!re.test(s)) add(`pattern-breaking ${JSON.stringify(s)}`, s);
    }
    if (schema.format === 'email') add('bad email', 'not-an-email');
    if (schema.format === 'date-time') add('bad date-time', '2026-13-45T99:99:99Z');
  }
  if (t.has('array') && t.size === 1) {
    if (schema.maxItems !== undefined)
      add(
        'too many items',
        Array.from({ length: schema.maxItems + 1 }, () => sampleValid(schema.items ?? {}, 1)),
      );
    if ((schema.minItems ?? 0) > 0) add('too few items', []);
    if (schema.items && depth < 2) {
      for (const bad of invalidValues(schema.items, depth + 1).slice(0, 4)) {
        const base = sampleValid(schema, 1) as unknown[];
        add(`item: ${bad.label}`, [bad.value, ...base.slice(1)]);
      }
    }
  }
  if (t.has('object') && t.size === 1 && schema.properties && depth < 2) {
    for (const c of objectCases(schema, depth + 1)) add(c.label, c.value);
  }
  return out;
}

/** Mutations of a minimal valid object: each field made invalid, each required one removed, an extra one. */
export function objectCases(schema: Schema, depth = 0): { label: string; value: unknown }[] {
  const out: { label: string; value: unknown }[] = [];
  const base = (sampleValid(schema, 7) ?? {}) as Record<string, unknown>;
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    for (const bad of invalidValues(prop, depth)) {
      out.push({ label: `${name}: ${bad.label}`, value: { ...base, [name]: bad.value } });
    }
  }
  for (const name of schema.required ?? []) {
    const rest = { ...base };
    delete rest[name];
    out.push({ label: `missing required ${name}`, value: rest });
  }
  if (schema.additionalProperties === false) {
    out.push({ label: 'extra field', value: { ...base, not_a_field: 'x' } });
  }
  return out;
}

/** Values for one query or path parameter, as URL text, that the parameter's schema refuses. */
export function invalidParamValues(schema: Schema): { label: string; value: string }[] {
  const out: { label: string; value: string }[] = [];
  const t = types(schema);
  const add = (label: string, value: string) => out.push({ label, value });
  if (t.has('number') && !t.has('string')) {
    add('word for a number', 'abc');
    add('SQL for a number', encodeURIComponent('1 OR 1=1'));
    add('1e309', '1e309');
    add('huge integer', '99999999999999999999999');
    add('NaN', 'NaN');
    add('NUL character', '1%00');
    if ([schema.type].flat().includes('integer')) add('fraction', '1.5');
    const lo = lowerBound(schema);
    if (lo !== undefined && lo >= 0) add('negative', '-1');
    if (schema.maximum !== undefined && schema.maximum < 1e15)
      add('above maximum', String(schema.maximum + 1));
  } else if (t.has('boolean') && t.size <= 2) {
    add('word for a boolean', 'maybe');
  } else if (t.has('string')) {
    if (schema.enum) add('not in enum', encodeURIComponent('NOT_IN_ENUM_☃'));
    if (schema.maxLength !== undefined) add('one over maxLength', 'x'.repeat(schema.maxLength + 1));
    if (schema.pattern) {
      const re = new RegExp(schema.pattern);
      for (const s of HOSTILE_STRINGS.slice(0, 4))
        if (!re.test(s)) add(`pattern-breaking ${JSON.stringify(s)}`, encodeURIComponent(s));
    }
    if (schema.format === 'date') add('bad date', '2026-13-45');
    add('NUL character', 'a%00b');
  }
  return out;
}
