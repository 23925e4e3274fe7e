import { bumpChatMessageId } from '@verzek/db';
import type { Logger } from '@verzek/platform';
import { fromBotUpdate, type InboundPost, type Update } from '@verzek/telegram';
import type { AppContext } from '../context';
import { handleCommand } from './commands';
import { handleInboundPost, type PostOutcome } from './ingest';
import { isBroadcastChat, type TelegramSettings } from './settings';

export interface UpdateDeps {
  ctx: AppContext;
  settings: TelegramSettings;
  logger: Logger;
  botUsername?: string;
  /** Called after something was queued for sending. */
  onQueued?: () => void;
}

/**
 * Runs `work` up to three times over about three seconds: a database hiccup must not lose a channel
 * post (the update is confirmed to Telegram once the handler returns, whatever happened).
 */
async function withRetries<T>(
  logger: Logger,
  what: Record<string, unknown>,
  work: () => Promise<T>,
): Promise<T | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (attempt >= 3) {
        logger.error({ err, ...what }, 'telegram: update handling failed; the message is lost');
        return undefined;
      }
      logger.warn({ err, ...what, attempt }, 'telegram: update handling failed; retrying');
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
}

/** A source message from either client (bot or user account). */
export async function handlePost(deps: UpdateDeps, post: InboundPost): Promise<PostOutcome | undefined> {
  const outcome = await withRetries(deps.logger, { chat: post.chatId, message: post.messageId }, () =>
    handleInboundPost({ ctx: deps.ctx, settings: deps.settings, logger: deps.logger }, post),
  );
  deps.onQueued?.();
  return outcome;
}

/** One Bot API update (from long polling or the webhook). */
export async function handleUpdate(deps: UpdateDeps, update: Update): Promise<void> {
  const inbound = fromBotUpdate(update, deps.botUsername);
  switch (inbound.type) {
    case 'post':
      await handlePost(deps, inbound.post);
      return;
    case 'command':
      await withRetries(deps.logger, { chat: inbound.command.chatId, command: inbound.command.command }, () =>
        handleCommand(deps, inbound.command),
      );
      deps.onQueued?.();
      return;
    case 'seen':
      if (isBroadcastChat(deps.settings, inbound.chatId)) {
        await bumpChatMessageId(deps.ctx.db, inbound.chatId, inbound.messageId, deps.ctx.clock.now()).catch(
          () => undefined,
        );
      }
      return;
    case 'ignored':
      return;
  }
}

/** What the bot asks Telegram for. */
export const ALLOWED_UPDATES = ['message', 'edited_message', 'channel_post', 'edited_channel_post'] as const;
