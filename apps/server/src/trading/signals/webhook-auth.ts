import { createHmac } from 'node:crypto';
import { safeEqual } from '@verzek/platform';

export const WEBHOOK_TOLERANCE_S = 300;

export type WebhookAuth = { ok: true; via: 'signature' | 'secret' } | { ok: false; reason: string };

/**
 * A webhook call is genuine when it carries the source's secret in the body, or an
 * `X-Signature: sha256=<hex>` of HMAC-SHA256(secret, `<X-Timestamp>.<raw body>`) with a timestamp
 * (unix seconds) within five minutes of now. Comparisons are constant-time.
 */
export function checkWebhookAuth(q: {
  secret: string;
  rawBody: string;
  bodySecret: unknown;
  signature: string | undefined;
  timestamp: string | undefined;
  nowMs: number;
}): WebhookAuth {
  if (q.signature !== undefined) {
    const ts = Number(q.timestamp);
    if (!q.timestamp || !Number.isInteger(ts))
      return { ok: false, reason: 'X-Signature needs X-Timestamp (unix seconds)' };
    if (Math.abs(q.nowMs / 1000 - ts) > WEBHOOK_TOLERANCE_S) {
      return { ok: false, reason: `X-Timestamp is more than ${WEBHOOK_TOLERANCE_S} s away from now` };
    }
    const expected = createHmac('sha256', q.secret).update(`${q.timestamp}.${q.rawBody}`).digest('hex');
    const given = q.signature.replace(/^sha256=/i, '').toLowerCase();
    return safeEqual(given, expected)
      ? { ok: true, via: 'signature' }
      : { ok: false, reason: 'X-Signature does not match' };
  }
  if (typeof q.bodySecret === 'string') {
    return safeEqual(q.bodySecret, q.secret)
      ? { ok: true, via: 'secret' }
      : { ok: false, reason: 'the secret is wrong' };
  }
  return { ok: false, reason: 'send the source secret in the body, or X-Signature and X-Timestamp headers' };
}

export function signWebhook(secret: string, timestamp: number, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}
