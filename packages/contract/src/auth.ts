import { z } from 'zod';
import { IsoTime } from './common';
import { Plan, Role } from './plans';

const Email = z
  .email({ message: 'must be a valid email address' })
  .max(254)
  .transform((e) => e.toLowerCase());
const Password = z.string().min(8, 'must be at least 8 characters').max(256);
const TotpCode = z.string().regex(/^\d{6}$/, 'must be 6 digits');

export const RegisterBody = z.strictObject({
  username: z
    .string()
    .min(3)
    .max(32)
    .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only'),
  email: Email,
  password: Password,
  ref: z.string().trim().min(1).max(64).optional(),
});

export const LoginBody = z.strictObject({
  email: Email,
  password: z.string().min(1).max(256),
  totp: TotpCode.optional(),
});

export const RefreshBody = z.strictObject({ refresh_token: z.string().min(1).max(512) });

export const LogoutBody = z
  .strictObject({
    refresh_token: z.string().min(1).max(512).optional(),
    all: z.boolean().optional(),
  })
  .default({});

export const VerifyEmailBody = z.strictObject({ token: z.string().min(1).max(512) });

export const TotpCodeBody = z.strictObject({ code: TotpCode });

export const User = z.object({
  id: z.number().int(),
  username: z.string(),
  email: z.string(),
  role: Role,
  plan: Plan,
  plan_expires_at: IsoTime.nullable(),
  email_verified: z.boolean(),
  totp_enabled: z.boolean(),
  auto_trade_enabled: z.boolean(),
  created_at: IsoTime,
});
export type User = z.infer<typeof User>;

export const AuthResponse = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal('bearer'),
  expires_in: z.number().int(),
  user: User,
});
export type AuthResponse = z.infer<typeof AuthResponse>;

export const TotpSetupResponse = z.object({
  secret: z.string().describe('base32 seed, shown once, for authenticator apps that cannot scan'),
  otpauth_uri: z.string(),
});
