import { parseSignalJson, type ParsedUpdate } from '@verzek/core';
import { ErrorBody, WebhookQuery, WebhookResult } from '@verzek/contract';
import {
  findSignal,
  findSignalBySourceMessage,
  findSourceByName,
  type Db,
  type SignalRow,
  type SignalSourceRow,
} from '@verzek/db';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context';
import { ApiError, badRequest, forbidden, notFound, unauthorized } from '../../errors';
import { applyFollowUp } from '../../trading/signals/follow-ups';
import { ingestSignal } from '../../trading/signals/ingest';
import { sourceSecret } from '../../trading/signals/sources';
import { checkWebhookAuth } from '../../trading/signals/webhook-auth';
import type { App } from '../types';

/** Alerts are small; anything bigger is not one. */
export const WEBHOOK_BODY_LIMIT_BYTES = 64 * 1024;

/** Body fields that may carry the source's secret: checked, then never stored. */
const SECRET_FIELDS = ['secret', 'passphrase'] as const;

/** Source kinds that may post here; a Telegram source is fed by its listener only. */
const WEBHOOK_KINDS = new Set(['webhook', 'api']);

const MAX_ID_CHARS = 128;

type Json = Record<string, unknown>;

/** JSON.parse that refuses prototype-poisoning keys, like Fastify's own JSON parser. */
function parseJsonObject(raw: string): Json {
  let poisoned = false;
  let value: unknown;
  try {
    value = JSON.parse(raw, function (this: unknown, key: string, v: unknown) {
      // NUL: PostgreSQL text cannot hold it (see json-body.ts).
      if (key.includes('\u0000') || (typeof v === 'string' && v.includes('\u0000'))) poisoned = true;
      if (
        key === '__proto__' ||
        (key === 'constructor' && typeof v === 'object' && v !== null && 'prototype' in v)
      ) {
        poisoned = true;
      }
      return v;
    });
  } catch {
    throw badRequest('invalid_json', 'The body is not valid JSON');
  }
  if (poisoned)
    throw badRequest(
      'invalid_json',
      'The body has a forbidden key (__proto__ or constructor.prototype) or a NUL character',
    );
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest('invalid_json', 'The body must be a JSON object');
  }
  return value as Json;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s.trim() === '' ? undefined : s.trim();
}

/** An id as a client may send it: a non-empty string or an integer, at most 128 characters. */
function idOf(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  const s = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof s !== 'string' || s.trim() === '' || s.trim().length > MAX_ID_CHARS) {
    throw badRequest(
      'validation_failed',
      `${field} must be a string or an integer of 1 to ${MAX_ID_CHARS} characters`,
    );
  }
  return s.trim();
}

/** The source the delivery names: `?source=`, `X-Source` or a `source` field, which must agree. */
function sourceName(request: FastifyRequest, query: string | undefined, body: Json): string {
  const named = [
    query,
    header(request, 'x-source'),
    typeof body.source === 'string' ? body.source : undefined,
  ].filter((n): n is string => n !== undefined && n !== '');
  if (named.length === 0) {
    throw badRequest(
      'source_required',
      'Name the signal source: ?source=<name>, an X-Source header or a "source" field',
    );
  }
  if (new Set(named).size > 1)
    throw badRequest('source_mismatch', 'The source is named differently in the query, header and body');
  return named[0]!;
}

function enumOf<T extends string>(value: unknown, allowed: readonly T[]): T | null {
  if (typeof value !== 'string') return null;
  const v = value.trim().toUpperCase();
  return (allowed as readonly string[]).includes(v) ? (v as T) : null;
}

/** The latest open signal of a source on a symbol: where an update without a reference belongs. */
async function latestOpenSignal(db: Db, sourceId: number, symbol: string): Promise<SignalRow | undefined> {
  return db
    .selectFrom('signals')
    .selectAll()
    .where('source_id', '=', sourceId)
    .where('symbol', '=', symbol)
    .where('status', '=', 'OPEN')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/**
 * `POST /api/webhook/signal` (§3): TradingView alerts and bots. Registered in its own encapsulated
 * plugin whose JSON (and text/plain — TradingView's type for a custom message) parser keeps the raw
 * body, since the HMAC is computed over the exact bytes; the body is limited to 64 KB.
 *
 * - Source: `?source=<name>`, `X-Source` or a `source` field (they must agree). Only `webhook` and
 *   `api` sources may post; a `telegram` source is fed by its listener.
 * - Authentication (`checkWebhookAuth`): `X-Signature: sha256=<hex>` of HMAC-SHA256(secret,
 *   `<X-Timestamp>.<raw body>`) within 300 s, or the secret in a `secret` (or `passphrase`) field. 401
 *   with the reason when it fails; 403 for a disabled source. The secret is removed before the payload
 *   is stored.
 * - Deduplication: the delivery id (`event_id`, `id` or `X-Event-Id`). A signal is stored with its
 *   `source_message_id`, else with the delivery id, as its source message id; a second delivery answers
 *   200 `duplicate` with the original signal's id. An update's delivery id is claimed with the
 *   follow-up. Both claims happen in the transaction that stores what the delivery carried.
 * - Payload: a signal (TradingView-style or §3) through `parseSignalJson`, or an update
 *   `{symbol, event|kind: "TP_HIT", target: 2, signal_id?, ref?}` linked by `signal_id` (of this
 *   source), by `ref` / `source_message_id`, else to the source's most recent OPEN signal on that symbol.
 * - Answers 200 once stored; fan-out to followers is in the same transaction, execution follows.
 */
export function registerWebhookRoutes(app: App, ctx: AppContext): void {
  void app.register(async (scope: App) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      ['application/json', 'text/plain'],
      { parseAs: 'string', bodyLimit: WEBHOOK_BODY_LIMIT_BYTES },
      (_request, body, done) => done(null, body),
    );

    scope.post(
      '/api/webhook/signal',
      {
        schema: {
          tags: ['signals'],
          summary:
            'Webhook for TradingView alerts and bots: a signal or a follow-up, per-source secret or HMAC',
          description:
            'JSON body (application/json or text/plain, ≤ 64 KB). Authenticate with the source secret in a ' +
            '`secret` field, or `X-Signature: sha256=<hex HMAC-SHA256(secret, "<X-Timestamp>.<raw body>")>` and ' +
            '`X-Timestamp` (unix seconds, ±300 s). Name the source with `?source=`, `X-Source` or `source`; ' +
            'de-duplicate with `event_id`/`id`/`X-Event-Id`.',
          querystring: WebhookQuery,
          response: {
            200: WebhookResult,
            400: ErrorBody,
            401: ErrorBody,
            403: ErrorBody,
            404: ErrorBody,
            413: ErrorBody,
          },
        },
      },
      async (request): Promise<WebhookResult> => {
        const raw = typeof request.body === 'string' ? request.body : '';
        if (raw.trim() === '') throw badRequest('invalid_json', 'Send the alert as a JSON object');
        const body = parseJsonObject(raw);
        const source = await authenticateSource(ctx, request, request.query.source, raw, body);

        const deliveryId =
          idOf(body.event_id, 'event_id') ??
          idOf(body.id, 'id') ??
          idOf(header(request, 'x-event-id'), 'X-Event-Id');
        const payload: Json = { ...body };
        for (const f of SECRET_FIELDS) delete payload[f];

        const parsed = parseSignalJson(payload);
        if (parsed.kind === 'update' && parsed.update) {
          return applyUpdate(ctx, source, payload, parsed.update, deliveryId ?? null);
        }
        if (parsed.kind !== 'signal' || !parsed.signal) {
          throw badRequest('invalid_signal', parsed.reason ?? 'not a signal or an update');
        }
        const settings = JSON.parse(source.settings) as { trade_type?: unknown };
        const messageId = idOf(payload.source_message_id, 'source_message_id') ?? deliveryId ?? null;
        const confidence =
          typeof payload.confidence === 'number' && payload.confidence >= 0 && payload.confidence <= 1
            ? payload.confidence
            : null;
        const result = await ingestSignal(
          {
            db: ctx.db,
            now: ctx.clock.now(),
            bus: ctx.bus,
            onQueued: () => ctx.workQueued(),
            metrics: ctx.metrics,
          },
          {
            source,
            signal: parsed.signal,
            tradeType:
              enumOf(payload.trade_type ?? payload.market_type, ['FUTURES', 'SPOT'] as const) ??
              enumOf(settings.trade_type, ['FUTURES', 'SPOT'] as const) ??
              'FUTURES',
            confidence,
            duration: enumOf(payload.duration, ['SHORT', 'LONG'] as const),
            sourceMessageId: messageId,
            raw: JSON.stringify(payload),
            createdBy: null,
          },
        );
        const base = {
          kind: 'signal' as const,
          delivery_id: deliveryId ?? null,
          event_id: null,
          positions: null,
        };
        if (result.status === 'duplicate') {
          return { ...base, status: 'duplicate', signal_id: result.signal?.id ?? null, executions: null };
        }
        return {
          ...base,
          status: 'queued',
          signal_id: result.signal.id,
          executions: { queued: result.queued, blocked: result.blocked, reason: result.blockedReason },
        };
      },
    );
  });
}

/** The named source, if the delivery proves it holds its secret and the source may post here. */
async function authenticateSource(
  ctx: AppContext,
  request: FastifyRequest,
  query: string | undefined,
  raw: string,
  body: Json,
): Promise<SignalSourceRow> {
  const name = sourceName(request, query, body);
  const source = await findSourceByName(ctx.db, name);
  if (!source) throw unauthorized('unknown_source', `No signal source named ${name}`);
  const secret = sourceSecret(ctx.secretBox, source);
  if (secret === null) {
    throw unauthorized(
      'no_webhook_secret',
      `Source ${name} has no webhook secret yet; an admin rotates its credentials`,
    );
  }
  const auth = checkWebhookAuth({
    secret,
    rawBody: raw,
    bodySecret: body.secret ?? body.passphrase,
    signature: header(request, 'x-signature'),
    timestamp: header(request, 'x-timestamp'),
    nowMs: ctx.clock.now(),
  });
  if (!auth.ok) {
    request.log.warn({ source: name, reason: auth.reason }, 'webhook refused');
    throw unauthorized('invalid_webhook_auth', auth.reason);
  }
  if (source.enabled !== 1) throw forbidden('source_disabled', `Source ${name} is disabled`);
  if (!WEBHOOK_KINDS.has(source.kind)) {
    throw forbidden(
      'wrong_source_kind',
      `Source ${name} is a ${source.kind} source; webhooks need a webhook or api source`,
    );
  }
  return source;
}

/** Links an update to its signal and applies it to every follower (deduplicated by delivery id). */
async function applyUpdate(
  ctx: AppContext,
  source: SignalSourceRow,
  payload: Json,
  update: ParsedUpdate,
  deliveryId: string | null,
): Promise<WebhookResult> {
  let signal: SignalRow | undefined;
  const ref = idOf(payload.ref, 'ref') ?? idOf(payload.source_message_id, 'source_message_id');
  if (payload.signal_id !== undefined) {
    const id = Number(payload.signal_id);
    if (!Number.isSafeInteger(id) || id <= 0)
      throw badRequest('validation_failed', 'signal_id must be a positive integer');
    signal = await findSignal(ctx.db, id);
    if (signal && signal.source_id !== source.id) {
      throw forbidden('forbidden', 'A source can only update its own signals');
    }
  } else if (ref !== undefined) {
    signal = await findSignalBySourceMessage(ctx.db, source.id, ref);
  } else if (update.symbol !== null) {
    signal = await latestOpenSignal(ctx.db, source.id, update.symbol);
  } else {
    throw badRequest('update_unlinked', 'Name the signal of this update: signal_id, ref or symbol');
  }
  if (!signal) {
    throw notFound(
      ref === undefined && payload.signal_id === undefined
        ? `Open signal of source ${source.name} on ${update.symbol}`
        : 'Signal',
    );
  }
  if (update.symbol !== null && update.symbol !== signal.symbol) {
    throw badRequest('symbol_mismatch', `Signal ${signal.id} is on ${signal.symbol}, not ${update.symbol}`);
  }
  const result = await applyFollowUp(
    { db: ctx.db, now: ctx.clock.now(), bus: ctx.bus, onQueued: () => ctx.workQueued() },
    { signal, kind: update.kind, target: update.target, dedupKey: deliveryId, sourceId: source.id },
  );
  if (result.status === 'rejected') throw new ApiError(400, 'invalid_event', result.reason);
  const base = { kind: 'update' as const, signal_id: signal.id, delivery_id: deliveryId, executions: null };
  if (result.status === 'duplicate') return { ...base, status: 'duplicate', event_id: null, positions: null };
  return { ...base, status: 'queued', event_id: result.eventId, positions: result.positions };
}
