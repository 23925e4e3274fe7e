import type { AuthResponse } from '@verzek/contract';
import type { UserRow } from '@verzek/db';
import type { AppContext } from '../../context';
import { toUserView } from '../users/user-view';
import { ACCESS_TOKEN_TTL_S, signAccessToken } from './access-tokens';
import { issueRefreshToken } from './refresh-tokens';

/** A fresh access token and refresh token for a user: a new session (token family). */
export async function startSession(ctx: AppContext, user: UserRow): Promise<AuthResponse> {
  const now = ctx.clock.now();
  const refresh_token = await issueRefreshToken(ctx.db, user.id, now);
  return sessionResponse(ctx, user, refresh_token, now);
}

export async function sessionResponse(
  ctx: AppContext,
  user: UserRow,
  refresh_token: string,
  now: number,
): Promise<AuthResponse> {
  return {
    access_token: await signAccessToken(ctx.secrets.jwtKey, user.id, now),
    refresh_token,
    token_type: 'bearer',
    expires_in: ACCESS_TOKEN_TTL_S,
    user: toUserView(user, now),
  };
}
