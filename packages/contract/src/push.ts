import { z } from 'zod';
import { IsoTime } from './common';

/** An Expo push token as `expo-notifications` hands it out. */
export const ExpoPushToken = z
  .string()
  .trim()
  .regex(/^(ExponentPushToken|ExpoPushToken)\[[A-Za-z0-9_-]{8,200}\]$/, 'must be an Expo push token');

export const PushTokenBody = z.strictObject({
  token: ExpoPushToken,
  platform: z.enum(['ios', 'android', 'web']),
  /** A label for the device (model name), shown nowhere but useful in support. */
  device: z.string().trim().max(100).optional(),
});
export type PushTokenBody = z.infer<typeof PushTokenBody>;

export const PushTokenDeleteBody = z.strictObject({ token: ExpoPushToken });

export const PushTokenView = z.object({
  token: z.string(),
  platform: z.enum(['ios', 'android', 'web']),
  created_at: IsoTime,
});
