import { findTelegramChannelByChat, readTelegramState, writeTelegramState, type Db } from '@verzek/db';
import type { Logger, SecretBox } from '@verzek/platform';
import {
  connectUserClient,
  fromGramJsEvent,
  type UserClientConnection,
  type UserClientEvent,
} from '@verzek/telegram';
import type { UpdateDeps } from './updates';
import { handlePost } from './updates';

export const USER_SESSION_KEY = 'user_session';
const SESSION_AAD = 'telegram|user-session';

/** Stores the MTProto session string (a full login to a Telegram account) sealed with the master key. */
export async function saveUserSession(db: Db, box: SecretBox, session: string, at: number): Promise<void> {
  await writeTelegramState(db, USER_SESSION_KEY, box.seal(session, SESSION_AAD), at);
}

export async function loadUserSession(db: Db, box: SecretBox): Promise<string | null> {
  const sealed = await readTelegramState(db, USER_SESSION_KEY);
  return sealed === null ? null : box.open(sealed, SESSION_AAD);
}

export async function clearUserSession(db: Db, at: number): Promise<void> {
  await writeTelegramState(db, USER_SESSION_KEY, null, at);
}

/**
 * What the user client does with a GramJS NewMessage / EditedMessage event: only chats configured as
 * sources read `via: user` count (a bot-read channel the account also sees is left to the bot), then
 * the same path as the bot's posts.
 */
export function userClientHandler(deps: UpdateDeps) {
  return async (event: UserClientEvent, edited: boolean): Promise<void> => {
    const post = fromGramJsEvent(event, edited);
    if (!post) return;
    const channel = await findTelegramChannelByChat(deps.ctx.db, post.chatId);
    if (!channel || channel.via !== 'user') return;
    await handlePost(deps, post);
  };
}

/**
 * The MTProto user client for source channels a bot can't join. Runs only with an API id and hash
 * and a session from `verzek telegram login`.
 */
export class UserClient {
  private connection: UserClientConnection | null = null;

  constructor(
    private readonly deps: UpdateDeps & {
      box: SecretBox;
      mtproto: { apiId: number; apiHash: string } | null;
    },
  ) {}

  async start(): Promise<boolean> {
    const { ctx, mtproto, logger } = this.deps;
    if (!mtproto) return false;
    const session = await loadUserSession(ctx.db, this.deps.box);
    if (session === null) {
      logger.info('telegram: no user session (run `verzek telegram login`); the user client is off');
      return false;
    }
    const handle = userClientHandler(this.deps);
    this.connection = await connectUserClient({
      session,
      ...mtproto,
      onEvent: (event, edited) => {
        void handle(event, edited).catch((err: unknown) =>
          logger.error({ err }, 'telegram: user client update failed'),
        );
      },
    });
    logger.info('telegram: user client connected');
    return true;
  }

  async stop(): Promise<void> {
    const c = this.connection;
    this.connection = null;
    await c?.stop();
  }
}

/** Logs a GramJS-level failure without its details (they may quote the session). */
export function logUserClientFailure(logger: Logger, err: unknown): void {
  logger.error({ error: err instanceof Error ? err.name : 'error' }, 'telegram: user client failed to start');
}
