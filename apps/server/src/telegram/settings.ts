import type { RateLimits } from '@verzek/telegram';
import type { Detail } from '@verzek/telegram';
import type { AppContext } from '../context';

/** A group signals are broadcast to, with what it sees and when. */
export interface BroadcastGroup {
  name: 'vip' | 'trial';
  chatId: string;
  detail: Detail;
  delayMs: number;
}

/** Knobs the tests turn (production uses the defaults, derived from the configuration). */
export interface TelegramTuning {
  /** The limits the sender honours (default: the configured per-group and overall limits). */
  limits?: RateLimits;
  /** A Bot API call not answered in this time has an unknown outcome. */
  requestTimeoutSeconds?: number;
  /** Long-polling timeout of getUpdates. */
  pollTimeoutSeconds?: number;
  /** How often idle loops look at the database. */
  idleMs?: number;
  /** How long after an unknown outcome the message is looked for. */
  verifyDelayMs?: number;
  /** How many message ids after the last known one are looked at. */
  verifyWindow?: number;
  /** The cluster-wide lease of the Telegram runtime. */
  leaseMs?: number;
  /** Queues worked on at once. */
  concurrency?: number;
  /** Attempts before a row that keeps failing is given up. */
  maxAttempts?: number;
  /** Rows committed this late (after later ones were planned) are still found. */
  planHorizonMs?: number;
}

export interface TelegramSettings {
  token: string;
  apiRoot: string;
  botUsername: string | undefined;
  groups: BroadcastGroup[];
  vipChatId: string | undefined;
  adminChatId: string | undefined;
  staleMs: number;
  updates: 'polling' | 'webhook' | 'off';
  webhookSecret: string | undefined;
  webhookUrl: string;
  minConfidence: number;
  followUpWindowMs: number;
  mtproto: { apiId: number; apiHash: string } | null;
  limits: RateLimits;
  requestTimeoutSeconds: number;
  pollTimeoutSeconds: number;
  idleMs: number;
  verifyDelayMs: number;
  verifyWindow: number;
  leaseMs: number;
  concurrency: number;
  maxAttempts: number;
  planHorizonMs: number;
}

/** The Telegram settings of this deployment, or null when no bot token is configured (Telegram off). */
export function telegramSettings(ctx: AppContext, tuning: TelegramTuning = {}): TelegramSettings | null {
  const c = ctx.config.telegram;
  if (c.botToken === undefined) return null;
  const groups: BroadcastGroup[] = [];
  if (c.vipChatId !== undefined)
    groups.push({ name: 'vip', chatId: c.vipChatId, detail: 'full', delayMs: 0 });
  if (c.trialChatId !== undefined) {
    groups.push({
      name: 'trial',
      chatId: c.trialChatId,
      detail: c.trialDetail,
      delayMs: c.trialDelayMinutes * 60_000,
    });
  }
  return {
    token: c.botToken,
    apiRoot: c.apiRoot,
    botUsername: c.botUsername,
    groups,
    vipChatId: c.vipChatId,
    adminChatId: c.adminChatId,
    staleMs: c.staleMinutes * 60_000,
    updates: c.updates,
    webhookSecret: c.webhookSecret,
    webhookUrl: `${ctx.config.publicUrl}/api/telegram/webhook`,
    minConfidence: c.minConfidence,
    followUpWindowMs: c.followUpWindowHours * 3_600_000,
    mtproto: c.apiId !== undefined && c.apiHash !== undefined ? { apiId: c.apiId, apiHash: c.apiHash } : null,
    limits: tuning.limits ?? {
      group: { limit: c.groupMessagesPerMinute, windowMs: 60_000 },
      private: { limit: 1, windowMs: 1_000 },
      global: { limit: c.messagesPerSecond, windowMs: 1_000 },
    },
    requestTimeoutSeconds: tuning.requestTimeoutSeconds ?? 20,
    pollTimeoutSeconds: tuning.pollTimeoutSeconds ?? 30,
    idleMs: tuning.idleMs ?? 500,
    verifyDelayMs: tuning.verifyDelayMs ?? 5_000,
    verifyWindow: tuning.verifyWindow ?? 10,
    leaseMs: tuning.leaseMs ?? 15_000,
    concurrency: tuning.concurrency ?? 8,
    maxAttempts: tuning.maxAttempts ?? 8,
    planHorizonMs: tuning.planHorizonMs ?? 10 * 60_000,
  };
}

/** The chats the platform itself posts to (their message ids are tracked for verification). */
export function isBroadcastChat(s: TelegramSettings, chatId: string): boolean {
  return s.groups.some((g) => g.chatId === chatId) || s.adminChatId === chatId;
}
