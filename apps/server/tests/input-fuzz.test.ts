import fc from 'fast-check';
import { describeDb } from '@verzek/test-support';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Session } from './harness';
import {
  HOSTILE_STRINGS,
  HUGE_NUMBER,
  invalidParamValues,
  invalidValues,
  objectCases,
  sampleValid,
  type Schema,
} from './fuzz-cases';
import { KNOWN_ROUTES, routeKey, startRouteWorld, urlFor, type Method, type RouteWorld } from './route-world';

/**
 * Input fuzz over every route with a schema (read from the OpenAPI document at /docs/json, matched to
 * the server's own route table). Seeded: FUZZ_SEED=<n> reproduces a run; the seed is in every failure.
 *
 * Phase 1 — input invalid by construction (wrong types per field, missing required and extra fields,
 * out-of-range and non-finite numbers, 1e309, too long / 100 KB strings, values outside an enum,
 * pattern-breaking injection strings, bad path ids and query values, non-object, malformed, deeply
 * nested and oversized bodies): every answer is a 4xx with `{error, reason}`, never a 2xx or a 5xx,
 * and the database is unchanged, sent as an administrator (authorization is not what refuses it) and as
 * a PREMIUM user. Tables left out of the comparison: `audit_log`, which records attempts on purpose
 * (a refused 2FA code or login is audited), and nothing else.
 *
 * Phase 2 — hostile strings where a string is valid (SQL/HTML injection, NUL, RTL override, emoji,
 * combining marks, lone surrogates, random Unicode) in each string field and query parameter of an
 * otherwise valid request: never a 5xx, any 4xx is `{error, reason}`. A 2xx is legitimate here (such a
 * string is data: stored and shown as text, never interpreted); for reads the database must still be
 * unchanged.
 *
 * Left out: `GET /api/stream` (a live stream that never ends; its one query parameter is checked by
 * the matrix) and routes without any schema.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261122);

/** Attempts are recorded here on purpose; every other table must come out of phase 1 unchanged. */
const VOLATILE_TABLES = new Set(['audit_log']);

interface Operation {
  parameters?: { in: 'path' | 'query' | 'header'; name: string; required?: boolean; schema: Schema }[];
  requestBody?: { required?: boolean; content?: Record<string, { schema: Schema }> };
}

interface Case {
  route: string;
  label: string;
  method: Method;
  url: string;
  /** Raw JSON text (or other), sent with `contentType`. */
  payload?: string;
  contentType?: string;
}

/** Percent-encodes as UTF-8; a lone surrogate becomes U+FFFD, as a browser would send it. */
function encode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  }
}

const toOpenApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

function jsonText(value: unknown): string {
  return JSON.stringify(value).split(JSON.stringify(HUGE_NUMBER)).join('1e309');
}

describeDb('input fuzz', (t) => {
  let w: RouteWorld;
  let doc: { paths: Record<string, Record<string, Operation>> };
  beforeAll(async () => {
    w = await startRouteWorld(t);
    doc = (await w.s.api.get<typeof doc>('/docs/json')).body;
  });
  afterAll(() => w.close());

  const opOf = (method: string, url: string): Operation | undefined =>
    doc.paths[toOpenApiPath(url)]?.[method.toLowerCase()];

  /** Routes with a body, query or path schema (the stream excepted, see above). */
  const fuzzable = () =>
    w.routes.filter((r) => {
      if (routeKey(r) === 'GET /api/stream') return false;
      const op = opOf(r.method, r.url);
      return op !== undefined && ((op.parameters?.length ?? 0) > 0 || op.requestBody !== undefined);
    });

  const bodySchema = (op: Operation) => op.requestBody?.content?.['application/json']?.schema;

  /** The base query string: required query parameters with valid values. */
  const baseQuery = (op: Operation) =>
    (op.parameters ?? [])
      .filter((p) => p.in === 'query' && p.required)
      .map((p) => `${p.name}=${encodeURIComponent(String(sampleValid(p.schema, SEED)))}`);

  const withQuery = (url: string, parts: string[]) => (parts.length ? `${url}?${parts.join('&')}` : url);

  function invalidCases(caller: Session): Case[] {
    const cases: Case[] = [];
    for (const r of fuzzable()) {
      const op = opOf(r.method, r.url)!;
      const method = r.method as Method;
      const key = routeKey(r);
      const url = urlFor(w, r.url, caller.id);
      const query = baseQuery(op);
      const schema = bodySchema(op);
      const validBody = schema ? jsonText(sampleValid(schema, SEED) ?? {}) : undefined;
      const add = (label: string, u: string, payload = validBody, contentType = 'application/json') =>
        cases.push({ route: key, label, method, url: u, payload, contentType });

      for (const p of op.parameters ?? []) {
        for (const bad of invalidParamValues(p.schema)) {
          if (p.in === 'path') {
            add(
              `path ${p.name}: ${bad.label}`,
              withQuery(urlFor(w, r.url.replace(`:${p.name}`, bad.value), caller.id), query),
            );
          } else if (p.in === 'query') {
            const rest = query.filter((q) => !q.startsWith(`${p.name}=`));
            add(`query ${p.name}: ${bad.label}`, withQuery(url, [...rest, `${p.name}=${bad.value}`]));
          }
        }
      }
      if (!schema) continue;
      const u = withQuery(url, query);
      const fieldCases =
        schema.type === 'object' && schema.properties ? objectCases(schema) : invalidValues(schema);
      for (const c of fieldCases) add(`body ${c.label}`, u, jsonText(c.value));
      const optional = op.requestBody?.required === false || schema.nullable === true;
      if (schema.type === 'object') {
        add('body: an array', u, '[]');
        add('body: a string', u, '"text"');
        add('body: a number', u, '123');
        if (!optional) add('body: null', u, 'null');
      }
      add('body: malformed JSON', u, '{"a":');
      add('body: NaN literal', u, '{"a":NaN}');
      add('body: nested 40 deep', u, `${'['.repeat(40)}${']'.repeat(40)}`);
      add('body: __proto__ key', u, '{"__proto__":{"admin":true}}');
      add('body: 300 KB', u, JSON.stringify({ x: 'y'.repeat(300_000) }));
      add('body: wrong content type', u, validBody ?? '{}', 'application/x-www-form-urlencoded');
    }
    return cases;
  }

  function hostileCases(caller: Session): Case[] {
    const random = fc.sample(fc.string({ unit: 'binary', maxLength: 40 }), { seed: SEED, numRuns: 3 });
    const strings = [...HOSTILE_STRINGS, ...random];
    const cases: Case[] = [];
    for (const r of fuzzable()) {
      const op = opOf(r.method, r.url)!;
      const method = r.method as Method;
      const url = urlFor(w, r.url, caller.id);
      const query = baseQuery(op);
      const schema = bodySchema(op);
      const base = schema ? ((sampleValid(schema, SEED) ?? {}) as Record<string, unknown>) : undefined;
      const payload = base === undefined ? undefined : jsonText(base);
      const fit = (s: string, p: Schema) => (p.maxLength !== undefined ? s.slice(0, p.maxLength) : s);
      for (const p of op.parameters ?? []) {
        if (p.in !== 'query' || p.schema.type !== 'string' || p.schema.enum) continue;
        // Bytes that are not UTF-8 at all, as a raw query value.
        for (const raw of ['%ED%A0%80', '%FF%FE', '%C0%AF']) {
          const rest = query.filter((q) => !q.startsWith(`${p.name}=`));
          cases.push({
            route: routeKey(r),
            label: `query ${p.name}: invalid UTF-8 ${raw}`,
            method,
            url: withQuery(url, [...rest, `${p.name}=${raw}`]),
            payload,
            contentType: 'application/json',
          });
        }
        for (const s of strings) {
          const rest = query.filter((q) => !q.startsWith(`${p.name}=`));
          cases.push({
            route: routeKey(r),
            label: `query ${p.name}: ${JSON.stringify(s)}`,
            method,
            url: withQuery(url, [...rest, `${p.name}=${encode(fit(s, p.schema))}`]),
            payload,
            contentType: 'application/json',
          });
        }
      }
      if (!schema || schema.type !== 'object' || base === undefined) continue;
      for (const [name, p] of Object.entries(schema.properties ?? {})) {
        if (p.type !== 'string' || p.enum) continue;
        for (const s of strings) {
          cases.push({
            route: routeKey(r),
            label: `body ${name}: ${JSON.stringify(s)}`,
            method,
            url: withQuery(url, query),
            payload: jsonText({ ...base, [name]: fit(s, p) }),
            contentType: 'application/json',
          });
        }
      }
    }
    return cases;
  }

  /** On PostgreSQL a seeded sample keeps the run short; SQLite runs every case. */
  const bounded = (cases: Case[], share: number): Case[] => {
    if (t.dialect === 'sqlite' || share >= 1) return cases;
    const n = Math.ceil(cases.length * share);
    return fc.sample(fc.shuffledSubarray(cases, { minLength: n, maxLength: n }), {
      seed: SEED,
      numRuns: 1,
    })[0]!;
  };

  /** Every table's rows, as text, in a stable order. */
  const fingerprint = async (): Promise<Map<string, string>> => {
    const tables =
      t.dialect === 'sqlite'
        ? await sql<{
            name: string;
          }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(
            w.s.ctx.db,
          )
        : await sql<{
            name: string;
          }>`select tablename as name from pg_tables where schemaname = current_schema()`.execute(w.s.ctx.db);
    const out = new Map<string, string>();
    for (const { name } of tables.rows) {
      if (VOLATILE_TABLES.has(name)) continue;
      const rows = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(w.s.ctx.db);
      const lines = rows.rows.map((row) =>
        JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
      );
      out.set(name, lines.sort().join('\n'));
    }
    return out;
  };

  const changedTables = (a: Map<string, string>, b: Map<string, string>) =>
    [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k));

  let ipCounter = 0;
  const send = (c: Case, caller: Session) =>
    w.s.app.inject({
      method: c.method,
      url: c.url,
      headers: {
        authorization: `Bearer ${caller.token}`,
        ...(c.payload !== undefined ? { 'content-type': c.contentType ?? 'application/json' } : {}),
      },
      payload: c.payload,
      // A fresh address per request: per-IP rate limits must not be what refuses the input.
      remoteAddress: `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter++ & 255}`,
    });

  const errorShape = (body: string): boolean => {
    try {
      const b = JSON.parse(body) as { error?: unknown; reason?: unknown };
      return typeof b.error === 'string' && typeof b.reason === 'string';
    } catch {
      return false;
    }
  };

  const check = async (c: Case, caller: Session, failures: string[]) => {
    const res = await send(c, caller);
    const where = `[seed ${SEED}] ${c.route} ${c.label} (${c.method}) → ${res.statusCode} ${res.body.slice(0, 200)}`;
    if (res.statusCode >= 500) failures.push(`5xx: ${where}`);
    else if (res.statusCode >= 400 && !errorShape(res.body)) failures.push(`not {error, reason}: ${where}`);
  };

  it('fuzzes every route that has a schema', () => {
    const keys = fuzzable().map(routeKey);
    const schemaless = ['GET /metrics', 'GET /health', 'GET /api/ping', 'GET /api/admin/overview'];
    for (const known of KNOWN_ROUTES.filter((k) => !schemaless.includes(k)))
      expect(keys, `${known} is fuzzed`).toContain(known);
    // Every registered API route with a schema in the route table is in the OpenAPI document.
    for (const r of w.routes.filter((x) => x.url.startsWith('/api/')))
      expect(opOf(r.method, r.url), `${routeKey(r)} in /docs/json`).toBeDefined();
    expect(invalidCases(w.admin).length).toBeGreaterThan(500);
  });

  for (const who of ['admin', 'premium'] as const) {
    it(`refuses invalid input from ${who === 'admin' ? 'an administrator' : 'a PREMIUM user'} with 4xx {error, reason} and changes nothing (seed ${SEED})`, async () => {
      const caller = w[who];
      const cases = bounded(invalidCases(caller), 0.25);
      const failures: string[] = [];
      const statuses = new Map<number, number>();
      const before = await fingerprint();
      let lastRoute = '';
      let routeBefore = before;
      for (const c of cases) {
        // Localized per route on SQLite; PostgreSQL compares the whole phase only (time).
        if (c.route !== lastRoute && t.dialect === 'sqlite') {
          // Localize a change to the route that made it.
          const now = await fingerprint();
          const changed = changedTables(routeBefore, now);
          if (changed.length) failures.push(`database changed by ${lastRoute}: ${changed.join(', ')}`);
          routeBefore = now;
          lastRoute = c.route;
        }
        const res = await send(c, caller);
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        const where = `[seed ${SEED}] ${c.route} ${c.label} (${c.method} ${c.url.slice(0, 120)}) → ${res.statusCode} ${res.body.slice(0, 200)}`;
        if (res.statusCode >= 500) failures.push(`5xx: ${where}`);
        else if (res.statusCode < 400) failures.push(`accepted: ${where}`);
        else if (!errorShape(res.body)) failures.push(`not {error, reason}: ${where}`);
      }
      const after = await fingerprint();
      const changed = changedTables(routeBefore, after);
      if (changed.length) failures.push(`database changed by ${lastRoute}: ${changed.join(', ')}`);
      expect(changedTables(before, after), 'tables changed by invalid input').toEqual([]);
      expect(failures).toEqual([]);
      // Mostly refused by validation (400), not by authorization: the input was really looked at.
      if (who === 'admin') expect(statuses.get(400) ?? 0).toBeGreaterThan(cases.length * 0.8);
    }, 180_000);
  }

  it(`survives hostile strings in valid fields: no 5xx, reads change nothing (seed ${SEED})`, async () => {
    const failures: string[] = [];
    for (const caller of [w.admin, w.premium]) {
      const cases = bounded(hostileCases(caller), 0.35);
      // Reads first, as one batch the database must come out of unchanged; then the writes.
      const reads = cases.filter((c) => c.method === 'GET');
      const before = await fingerprint();
      for (const c of reads) await check(c, caller, failures);
      const changed = changedTables(before, await fingerprint());
      if (changed.length) failures.push(`reads changed ${changed.join(', ')}`);
      for (const c of cases.filter((x) => x.method !== 'GET')) await check(c, caller, failures);
    }
    expect(failures).toEqual([]);
  }, 180_000);
});
