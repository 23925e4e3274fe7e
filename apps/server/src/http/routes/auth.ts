import {
  AuthResponse,
  ErrorBody,
  LoginBody,
  LogoutBody,
  OkBody,
  RefreshBody,
  RegisterBody,
  TotpCodeBody,
  TotpSetupResponse,
  User,
  VerifyEmailBody,
} from '@verzek/contract';
import { findUserById, revokeUserTokens, updateUser } from '@verzek/db';
import { z } from 'zod';
import type { AppContext } from '../../context';
import { badRequest, unauthorized } from '../../errors';
import { login, register } from '../../services/auth/accounts';
import { resendVerificationEmail, verifyEmailToken } from '../../services/auth/email-verification';
import { revokeByToken, rotateRefreshToken } from '../../services/auth/refresh-tokens';
import { sessionResponse } from '../../services/auth/sessions';
import { beginTotpSetup, confirmTotpSetup, disableTotp } from '../../services/auth/two-factor';
import { audit } from '../../services/audit';
import { toUserView } from '../../services/users/user-view';
import { authenticate, caller } from '../guards';
import type { App } from '../types';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 409: ErrorBody, 429: ErrorBody };
const bearer = [{ bearer: [] }];

export function registerAuthRoutes(app: App, ctx: AppContext): void {
  const auth = authenticate(ctx);
  const { limits } = ctx.config;
  const perIpLogin = { rateLimit: { max: limits.loginPerMinutePerIp, timeWindow: 60_000 } };

  app.post(
    '/api/auth/register',
    {
      schema: {
        tags: ['auth'],
        summary: 'Create an account (TRIAL)',
        body: RegisterBody,
        response: { 201: AuthResponse, ...errors },
      },
      config: { rateLimit: { max: limits.registerPerHourPerIp, timeWindow: 3_600_000 } },
    },
    async (request, reply) => reply.code(201).send(await register(ctx, request.body, request.ip)),
  );

  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Log in (+ totp when 2FA is on)',
        body: LoginBody,
        response: { 200: AuthResponse, ...errors },
      },
      config: perIpLogin,
    },
    (request) => login(ctx, request.body, request.ip),
  );

  app.post(
    '/api/auth/refresh',
    {
      schema: {
        tags: ['auth'],
        summary: 'Rotate the refresh token',
        body: RefreshBody,
        response: { 200: AuthResponse, ...errors },
      },
      config: perIpLogin,
    },
    async (request) => {
      const now = ctx.clock.now();
      const result = await rotateRefreshToken(ctx.db, request.body.refresh_token, now);
      if (!result.ok) {
        if (result.kind === 'reused') {
          await audit(ctx.db, {
            action: 'refresh_token_reuse',
            at: now,
            userId: result.userId,
            ip: request.ip,
          });
          ctx.logger.warn({ userId: result.userId }, 'refresh token reused: session family revoked');
          throw unauthorized(
            'token_reused',
            'This refresh token was already used; the session has been ended for safety',
          );
        }
        throw unauthorized(
          'invalid_refresh_token',
          'The refresh token is invalid or has expired; log in again',
        );
      }
      const user = await findUserById(ctx.db, result.userId);
      if (!user || user.disabled_at !== null)
        throw unauthorized('invalid_refresh_token', 'The account is not available');
      return sessionResponse(ctx, user, result.refreshToken, now);
    },
  );

  app.post(
    '/api/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'End this session (refresh_token) or every session (all, with a bearer)',
        body: LogoutBody,
        response: { 200: OkBody, ...errors },
      },
    },
    async (request) => {
      const now = ctx.clock.now();
      const { refresh_token, all } = request.body;
      if (all) {
        await auth(request);
        const user = caller(request);
        await revokeUserTokens(ctx.db, user.id, now);
        await updateUser(ctx.db, user.id, { tokens_valid_after: now });
        await audit(ctx.db, { action: 'logout_all', at: now, userId: user.id, ip: request.ip });
        return { ok: true as const, message: 'Every session has been ended' };
      }
      if (!refresh_token)
        throw badRequest('validation_failed', 'Send refresh_token, or all:true with a bearer token');
      const userId = await revokeByToken(ctx.db, refresh_token, now);
      if (userId !== null) await audit(ctx.db, { action: 'logout', at: now, userId, ip: request.ip });
      return { ok: true as const, message: 'Logged out' };
    },
  );

  app.get(
    '/api/auth/me',
    { onRequest: auth, schema: { tags: ['auth'], security: bearer, response: { 200: User, ...errors } } },
    (request) => toUserView(caller(request), ctx.clock.now()),
  );

  const verify = async (token: string, ip: string) => {
    const user = await verifyEmailToken(ctx, token, ip);
    return { ok: true as const, message: `Email ${user.email} is verified` };
  };
  app.post(
    '/api/auth/verify-email',
    {
      schema: { tags: ['auth'], body: VerifyEmailBody, response: { 200: OkBody, ...errors } },
      config: perIpLogin,
    },
    (request) => verify(request.body.token, request.ip),
  );
  app.get(
    '/api/auth/verify-email',
    {
      schema: {
        tags: ['auth'],
        summary: 'The link mailed to the user',
        querystring: z.object({ token: z.string().min(1).max(512) }),
        response: { 200: OkBody, ...errors },
      },
      config: perIpLogin,
    },
    (request) => verify(request.query.token, request.ip),
  );

  app.post(
    '/api/auth/resend-verification',
    {
      onRequest: auth,
      schema: { tags: ['auth'], security: bearer, response: { 200: OkBody, ...errors } },
      config: { rateLimit: { max: 5, timeWindow: 3_600_000 } },
    },
    async (request) => {
      await resendVerificationEmail(ctx, caller(request), request.ip);
      return { ok: true as const, message: 'A new verification mail is on its way' };
    },
  );

  app.post(
    '/api/auth/2fa/enable',
    {
      onRequest: auth,
      schema: { tags: ['auth'], security: bearer, response: { 200: TotpSetupResponse, ...errors } },
    },
    (request) => beginTotpSetup(ctx, caller(request), request.ip),
  );
  app.post(
    '/api/auth/2fa/confirm',
    {
      onRequest: auth,
      schema: { tags: ['auth'], security: bearer, body: TotpCodeBody, response: { 200: OkBody, ...errors } },
      config: perIpLogin,
    },
    async (request) => {
      await confirmTotpSetup(ctx, caller(request), request.body.code, request.ip);
      return { ok: true as const, message: 'Two-factor authentication is on' };
    },
  );
  app.post(
    '/api/auth/2fa/disable',
    {
      onRequest: auth,
      schema: { tags: ['auth'], security: bearer, body: TotpCodeBody, response: { 200: OkBody, ...errors } },
      config: perIpLogin,
    },
    async (request) => {
      await disableTotp(ctx, caller(request), request.body.code, request.ip);
      return { ok: true as const, message: 'Two-factor authentication is off' };
    },
  );
}
