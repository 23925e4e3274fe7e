import readline from 'node:readline/promises';
import { migrateToLatest, openDatabase, readTelegramState, type Db } from '@verzek/db';
import { loadSecrets, SecretBox, systemClock, type Config } from '@verzek/platform';
import { createLoginClient, type LoginClient } from '@verzek/telegram';
import { clearUserSession, saveUserSession, USER_SESSION_KEY } from '../telegram/user-client';
import { cliConfig } from './env';
import type { CliIo } from './main';

export type Prompt = (question: string) => Promise<string>;

function terminalPrompt(): { ask: Prompt; close: () => void } {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  return { ask: (q) => rl.question(q), close: () => rl.close() };
}

/**
 * `verzek telegram login|logout|status`: the MTProto user client's session (SPEC §3: channels a bot
 * can't join). `login` asks for the phone number, the code Telegram sends and the 2FA password on the
 * terminal, and stores the session string sealed with the master key (never printed).
 */
export async function telegramCommand(
  sub: string | undefined,
  io: CliIo,
  deps: {
    client?: (apiId: number, apiHash: string) => Promise<LoginClient>;
    prompt?: Prompt;
    db?: Db;
    config?: Config;
  } = {},
): Promise<number> {
  if (sub !== 'login' && sub !== 'logout' && sub !== 'status') {
    io.err('usage: verzek telegram login|logout|status\n');
    return 2;
  }
  const config = deps.config ?? cliConfig();
  const box = new SecretBox(loadSecrets(config).masterKey);
  const handle = deps.db ? null : openDatabase(config.database);
  const db = deps.db ?? handle!.db;
  try {
    if (handle) await migrateToLatest(handle);
    if (sub === 'status') {
      const stored = (await readTelegramState(db, USER_SESSION_KEY)) !== null;
      io.out(
        stored ? 'a user session is stored (sealed)\n' : 'no user session; run `verzek telegram login`\n',
      );
      return 0;
    }
    if (sub === 'logout') {
      await clearUserSession(db, systemClock.now());
      io.out('the user session was deleted; restart the workers\n');
      return 0;
    }
    const { apiId, apiHash } = config.telegram;
    if (apiId === undefined || apiHash === undefined) {
      io.err('set TELEGRAM_API_ID and TELEGRAM_API_HASH (from https://my.telegram.org) first\n');
      return 78;
    }
    const terminal = deps.prompt ? null : terminalPrompt();
    const ask = deps.prompt ?? terminal!.ask;
    const client = await (deps.client ?? createLoginClient)(apiId, apiHash);
    try {
      await client.start({
        phoneNumber: () => ask('Phone number (international format, e.g. +4915112345678): '),
        phoneCode: () => ask('The code Telegram sent you: '),
        password: (hint) => ask(`Two-step verification password${hint ? ` (hint: ${hint})` : ''}: `),
        onError: (err) => {
          io.err(`login error: ${err.message}\n`);
          return Promise.resolve(true); // stop: a wrong code needs a fresh run
        },
      });
      const who = await client.me();
      await saveUserSession(db, box, client.saveSession(), systemClock.now());
      io.out(
        `logged in as ${who}; the session is stored encrypted. Restart the workers to start the user client.\n`,
      );
      return 0;
    } finally {
      terminal?.close();
      await client.disconnect().catch(() => undefined);
    }
  } finally {
    await handle?.close();
  }
}
