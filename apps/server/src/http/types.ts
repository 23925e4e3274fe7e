import type { SignalSourceRow, UserRow } from '@verzek/db';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the `authenticate` guard: the caller's current user row. */
    account: UserRow | null;
    /** Set when a signal source authenticated with its own token instead of a user. */
    source: SignalSourceRow | null;
  }
}
