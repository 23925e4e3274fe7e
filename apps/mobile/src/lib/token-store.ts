import type { SessionTokens, TokenStore } from '@verzek/contract';
import * as SecureStore from 'expo-secure-store';

const KEY = 'verzek.refresh_token';

/**
 * Devices: the refresh token lives in the Keychain / Keystore (expo-secure-store); the access token
 * (1 h) only in memory, refreshed on start.
 */
export function createTokenStore(): TokenStore & { restore(): Promise<string | null> } {
  let current: SessionTokens | null = null;
  return {
    load: () => current,
    async save(tokens) {
      current = tokens;
      await SecureStore.setItemAsync(KEY, tokens.refresh_token);
    },
    async clear() {
      current = null;
      await SecureStore.deleteItemAsync(KEY);
    },
    async restore() {
      const refresh = await SecureStore.getItemAsync(KEY);
      if (refresh) current = { access_token: '', refresh_token: refresh };
      return refresh;
    },
  };
}
