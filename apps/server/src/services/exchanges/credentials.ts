import type { ExchangeAccountRow } from '@verzek/db';
import type { ApiCredentials } from '@verzek/exchange';
import type { SecretBox } from '@verzek/platform';

/** The sealed columns of `exchange_accounts`. */
export type SecretColumn = 'api_key' | 'api_secret' | 'passphrase';

/**
 * Associated data of a sealed exchange secret: the user, the provider and the column are bound in, so
 * a ciphertext copied to another user, exchange or column fails to open. (Key rotation rewraps with
 * the same string: keep the two in step — `cli/keys.ts` imports it from here.)
 */
export function exchangeSecretAad(userId: number, provider: string, column: SecretColumn): string {
  return `exchange|user:${userId}|provider:${provider}|${column}`;
}

export interface SealedCredentials {
  api_key: string;
  api_secret: string;
  passphrase: string | null;
}

/** Seals API credentials for storage (each value with its own data key). */
export function sealCredentials(
  box: SecretBox,
  userId: number,
  provider: string,
  c: ApiCredentials,
): SealedCredentials {
  return {
    api_key: box.seal(c.apiKey, exchangeSecretAad(userId, provider, 'api_key')),
    api_secret: box.seal(c.secret, exchangeSecretAad(userId, provider, 'api_secret')),
    passphrase:
      c.passphrase === undefined
        ? null
        : box.seal(c.passphrase, exchangeSecretAad(userId, provider, 'passphrase')),
  };
}

/** Opens a row's credentials — only to build the adapter that signs with them. */
export function openCredentials(box: SecretBox, row: ExchangeAccountRow): ApiCredentials {
  if (row.api_key === null || row.api_secret === null)
    throw new Error(`exchange account ${row.id} has no API keys (disconnected)`);
  return {
    apiKey: box.open(row.api_key, exchangeSecretAad(row.user_id, row.provider, 'api_key')),
    secret: box.open(row.api_secret, exchangeSecretAad(row.user_id, row.provider, 'api_secret')),
    ...(row.passphrase !== null
      ? { passphrase: box.open(row.passphrase, exchangeSecretAad(row.user_id, row.provider, 'passphrase')) }
      : {}),
  };
}
