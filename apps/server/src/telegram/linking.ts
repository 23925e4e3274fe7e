import { findTelegramLink, insertTelegramLinkCode, readTelegramState, type Db } from '@verzek/db';
import { randomToken, sha256Hex } from '@verzek/platform';

/** How long a link code from the app works. */
export const LINK_CODE_TTL_MS = 15 * 60_000;

/** Where the runtime stores the bot's username (from getMe) for API processes that don't run the bot. */
export const BOT_USERNAME_KEY = 'bot_username';

/** The bot's @username: configured, or as the running bot reported it. */
export async function botUsername(db: Db, configured: string | undefined): Promise<string | null> {
  return configured ?? (await readTelegramState(db, BOT_USERNAME_KEY));
}

/**
 * A single-use code for `/start <code>`, valid 15 minutes (a new one replaces an unused one). Only its
 * hash is stored. The deep link `https://t.me/<bot>?start=<code>` opens the bot with it.
 */
export async function createLinkCode(
  db: Db,
  userId: number,
  now: number,
): Promise<{ code: string; expiresAt: number }> {
  // 18 random bytes → 24 URL-safe characters (Telegram's start parameter: [A-Za-z0-9_-], ≤ 64).
  const code = randomToken(18);
  const expiresAt = now + LINK_CODE_TTL_MS;
  await insertTelegramLinkCode(db, { codeHash: sha256Hex(code), userId, expiresAt, at: now });
  return { code, expiresAt };
}

export async function linkStatus(db: Db, userId: number) {
  const link = await findTelegramLink(db, userId);
  return link
    ? {
        linked: true as const,
        telegram_username: link.tg_username,
        linked_at: new Date(link.linked_at).toISOString(),
      }
    : { linked: false as const, telegram_username: null, linked_at: null };
}
