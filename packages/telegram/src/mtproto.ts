import type { GramJsMessageLike } from './inbound';

/**
 * The MTProto user client (GramJS), for source channels a bot can't join. GramJS is loaded only when
 * one is used, and logs nothing of its own (its messages may quote the session).
 */

export type UserClientEvent = { message?: GramJsMessageLike };

export interface UserClientConnection {
  stop(): Promise<void>;
}

/** Connects with a stored session and hands every new and edited message to `onEvent`. */
export async function connectUserClient(options: {
  session: string;
  apiId: number;
  apiHash: string;
  onEvent: (event: UserClientEvent, edited: boolean) => void;
}): Promise<UserClientConnection> {
  const { TelegramClient } = await import('telegram');
  const { StringSession } = await import('telegram/sessions/index.js');
  const { NewMessage } = await import('telegram/events/index.js');
  const { EditedMessage } = await import('telegram/events/EditedMessage.js');
  const { Logger, LogLevel } = await import('telegram/extensions/Logger.js');
  const client = new TelegramClient(new StringSession(options.session), options.apiId, options.apiHash, {
    connectionRetries: 5,
    autoReconnect: true,
    baseLogger: new Logger(LogLevel.NONE),
  });
  client.addEventHandler((event: UserClientEvent) => options.onEvent(event, false), new NewMessage({}));
  client.addEventHandler((event: UserClientEvent) => options.onEvent(event, true), new EditedMessage({}));
  await client.connect();
  return {
    async stop() {
      await client.destroy().catch(() => undefined);
    },
  };
}

/** What an interactive login needs (a GramJS client, or a stand-in in tests). */
export interface LoginClient {
  start(auth: {
    phoneNumber: () => Promise<string>;
    phoneCode: (isCodeViaApp?: boolean) => Promise<string>;
    password: (hint?: string) => Promise<string>;
    onError: (err: Error) => Promise<boolean> | void;
  }): Promise<void>;
  /** The session string after a successful login. */
  saveSession(): string;
  /** Who logged in (username, else first name, else id). */
  me(): Promise<string>;
  disconnect(): Promise<void>;
}

/** A fresh GramJS client for `verzek telegram login`. */
export async function createLoginClient(apiId: number, apiHash: string): Promise<LoginClient> {
  const { TelegramClient } = await import('telegram');
  const { StringSession } = await import('telegram/sessions/index.js');
  const { Logger, LogLevel } = await import('telegram/extensions/Logger.js');
  const session = new StringSession('');
  const client = new TelegramClient(session, apiId, apiHash, {
    connectionRetries: 3,
    baseLogger: new Logger(LogLevel.NONE),
  });
  return {
    start: (auth) => client.start(auth),
    saveSession: () => session.save(),
    me: async () => {
      const me = await client.getMe();
      return me.username ?? me.firstName ?? String(me.id);
    },
    disconnect: () => client.disconnect(),
  };
}
