import { errors, jwtVerify, SignJWT } from 'jose';

export const ACCESS_TOKEN_TTL_S = 60 * 60;
const ISSUER = 'verzek';
const AUDIENCE = 'verzek-api';

export interface AccessClaims {
  userId: number;
  /** Issue time in ms, compared with users.tokens_valid_after to cut every session at once. */
  issuedAtMs: number;
}

export async function signAccessToken(key: Uint8Array, userId: number, nowMs: number): Promise<string> {
  return new SignJWT({ ims: nowMs })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(String(userId))
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(Math.floor(nowMs / 1000))
    .setExpirationTime(Math.floor(nowMs / 1000) + ACCESS_TOKEN_TTL_S)
    .sign(key);
}

export type VerifyResult = { ok: true; claims: AccessClaims } | { ok: false; reason: 'expired' | 'invalid' };

export async function verifyAccessToken(
  key: Uint8Array,
  token: string,
  nowMs: number,
): Promise<VerifyResult> {
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
      currentDate: new Date(nowMs),
    });
    const userId = Number(payload.sub);
    const ims = typeof payload.ims === 'number' ? payload.ims : (payload.iat ?? 0) * 1000;
    if (!Number.isSafeInteger(userId) || userId <= 0) return { ok: false, reason: 'invalid' };
    return { ok: true, claims: { userId, issuedAtMs: ims } };
  } catch (err) {
    return { ok: false, reason: err instanceof errors.JWTExpired ? 'expired' : 'invalid' };
  }
}
