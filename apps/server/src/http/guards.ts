import { findUserById, type UserRow } from '@verzek/db';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context';
import { ApiError, forbidden, unauthorized } from '../errors';
import { verifyAccessToken } from '../services/auth/access-tokens';
import { effectivePlan, hasPlan } from '../services/users/plan';
import { sourceByToken } from '../trading/signals/sources';

type Guard = (request: FastifyRequest) => Promise<void>;

const BEARER = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/i;

/** Verifies the bearer token and loads the caller (disabled accounts and cut sessions are refused). */
export function authenticate(ctx: AppContext): Guard {
  return async (request) => {
    const match = BEARER.exec(request.headers.authorization ?? '');
    if (!match?.[1]) throw unauthorized('unauthorized', 'Send "Authorization: Bearer <access_token>"');
    const now = ctx.clock.now();
    const result = await verifyAccessToken(ctx.secrets.jwtKey, match[1], now);
    if (!result.ok) {
      throw result.reason === 'expired'
        ? unauthorized('token_expired', 'The access token has expired; refresh it')
        : unauthorized('invalid_token', 'The access token is invalid');
    }
    const user = await findUserById(ctx.db, result.claims.userId);
    if (!user || result.claims.issuedAtMs <= user.tokens_valid_after) {
      throw unauthorized('invalid_token', 'The session has ended; log in again');
    }
    if (user.disabled_at !== null) throw forbidden('account_disabled', 'This account has been disabled');
    request.account = user;
  };
}

/** The authenticated caller (only inside routes guarded by `authenticate`). */
export function caller(request: FastifyRequest): UserRow {
  if (!request.account) throw unauthorized('unauthorized', 'Authentication required');
  return request.account;
}

export const requireAdmin: Guard = (request) => {
  if (caller(request).role !== 'ADMIN') throw forbidden('forbidden', 'Administrators only');
  return Promise.resolve();
};

/** 403 upgrade_required for users below the plan (admins pass). */
export function requirePlan(ctx: AppContext, plan: 'VIP' | 'PREMIUM'): Guard {
  return (request) => {
    const user = caller(request);
    if (!hasPlan(user, plan, ctx.clock.now())) {
      const current = effectivePlan(user, ctx.clock.now());
      throw forbidden('upgrade_required', `This needs the ${plan} plan; you are on ${current}`);
    }
    return Promise.resolve();
  };
}

export const requireVerifiedEmail: Guard = (request) => {
  if (caller(request).email_verified_at === null) {
    throw forbidden(
      'email_unverified',
      'Confirm your email address first (see the mail we sent, or ask for a new one)',
    );
  }
  return Promise.resolve();
};

/**
 * The `:id` of the route must be the caller's own, unless the caller is an admin. Answers 403 for
 * another user's id whether or not it exists, so ids can't be probed.
 */
export const requireSelfOrAdmin: Guard = (request) => {
  const user = caller(request);
  const id = Number((request.params as { id?: unknown }).id);
  if (user.role !== 'ADMIN' && id !== user.id)
    throw forbidden('forbidden', 'You can only reach your own account');
  return Promise.resolve();
};

/** Loads the `:id` user for admin or self routes (404 for an admin asking for a missing id). */
export async function targetUser(ctx: AppContext, request: FastifyRequest): Promise<UserRow> {
  const user = caller(request);
  const id = Number((request.params as { id?: unknown }).id);
  if (id === user.id) return user;
  const target = await findUserById(ctx.db, id);
  if (!target) throw new ApiError(404, 'not_found', 'User not found');
  return target;
}

/**
 * Signal writers: an administrator's bearer token, or a signal source's own token (`vzs_…`), which
 * sets `request.source`.
 */
export function authenticateAdminOrSource(ctx: AppContext): Guard {
  const user = authenticate(ctx);
  return async (request) => {
    const match = BEARER.exec(request.headers.authorization ?? '');
    if (match?.[1]?.startsWith('vzs_')) {
      const source = await sourceByToken(ctx.db, match[1]);
      if (!source) throw unauthorized('invalid_token', 'Unknown or disabled source token');
      request.source = source;
      return;
    }
    await user(request);
    await requireAdmin(request);
  };
}
