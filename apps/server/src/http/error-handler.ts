import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { redactUrl } from '@verzek/platform';
import { ApiError } from '../errors';

const MAX_ISSUES = 5;

/** Codes for the framework's own client errors. */
const frameworkCodes: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_content_length',
  FST_ERR_ASYNC_CONSTRAINT: 'bad_request',
};

/**
 * The one place errors become responses: `{error, reason}` with a 4xx for anything a client can
 * cause; 5xx details stay in the log.
 */
export function errorHandler(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (err instanceof ApiError) {
    return reply.code(err.statusCode).headers(err.headers).send({ error: err.error, reason: err.reason });
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = err.validationContext ?? 'body';
    const issues = err.validation.slice(0, MAX_ISSUES).map((v) => {
      const field = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
      return `${where}${field ? `.${field}` : ''}: ${v.message ?? 'invalid'}`;
    });
    return reply.code(400).send({ error: 'validation_failed', reason: issues.join('; ') });
  }
  const status = 'statusCode' in err && typeof err.statusCode === 'number' ? err.statusCode : 500;
  if (status >= 400 && status < 500 && !isResponseSerializationError(err)) {
    const code =
      ('code' in err && frameworkCodes[err.code]) || (status === 429 ? 'rate_limited' : 'bad_request');
    return reply.code(status).send({ error: code, reason: err.message });
  }
  request.log.error({ err, url: redactUrl(request.url) }, 'request failed');
  return reply.code(500).send({ error: 'internal', reason: 'Internal error; it has been logged' });
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  return reply.code(404).send({
    error: 'not_found',
    reason: `No route ${request.method} ${redactUrl(request.url.split('?')[0] ?? '')}`,
  });
}
