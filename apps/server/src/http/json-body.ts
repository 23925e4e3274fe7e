import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors';

/** Deeper than this, a JSON body is refused: no request of ours nests more than a few levels. */
export const MAX_JSON_DEPTH = 32;

/**
 * True when the JSON text nests objects/arrays deeper than `max`. A linear scan that skips strings,
 * run before parsing so a pathological body costs nothing more than reading it.
 */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > max) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

const NUL = '\u0000';

function noPrototypeKeys(key: string, value: unknown): unknown {
  // PostgreSQL text cannot hold a NUL character: refused here, so it never becomes a 500 further in.
  if (key.includes(NUL) || (typeof value === 'string' && value.includes(NUL)))
    throw new ApiError(400, 'invalid_json', 'Strings in the body may not contain NUL characters');
  if (key === '__proto__')
    throw new ApiError(400, 'invalid_json', 'The body may not contain a "__proto__" key');
  if (key === 'constructor' && value !== null && typeof value === 'object' && 'prototype' in value) {
    throw new ApiError(400, 'invalid_json', 'The body may not contain "constructor.prototype"');
  }
  return value;
}

/**
 * The JSON body parser of the API: Fastify's, plus a nesting limit. Prototype-poisoning keys are
 * refused, an empty body is "no body", and malformed JSON is a 400 — never a 500.
 */
export function installJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
      return done(
        new ApiError(400, 'invalid_json', `JSON nested deeper than ${MAX_JSON_DEPTH} levels`),
        undefined,
      );
    }
    try {
      done(null, JSON.parse(text, noPrototypeKeys));
    } catch (err) {
      done(
        err instanceof ApiError ? err : new ApiError(400, 'invalid_json', 'The body is not valid JSON'),
        undefined,
      );
    }
  });
}

/**
 * Refuses a URL carrying a NUL character (`%00`) in its path or query with a 400, before any route
 * runs: no id, filter or search term of ours may contain one, and PostgreSQL text cannot store it.
 */
export function refuseNulInUrl(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    if (/%00/i.test(request.url) || request.url.includes(NUL)) {
      done(new ApiError(400, 'invalid_character', 'The URL may not contain NUL characters (%00)'));
      return;
    }
    done();
  });
}
