import type { SessionTokens, TokenStore } from '@verzek/contract';

const KEY = 'verzek.refresh_token';

function session(): Storage | null {
  try {
    return typeof window !== 'undefined' ? window.sessionStorage : null;
  } catch {
    return null; // storage disabled: memory only
  }
}

/**
 * Web: the access token only in memory; the refresh token in sessionStorage, not localStorage.
 * sessionStorage belongs to one tab and is gone when the tab closes, so a stolen-laptop or shared-
 * computer session does not outlive the tab, other tabs (and pages opened later) can't read it, and
 * nothing sits on disk for 30 days. A reload of the tab keeps the session. A script injected into
 * the page could still read it (as it could read memory); the API's reuse detection ends the whole
 * session if a copied refresh token is ever used twice.
 */
export function createTokenStore(): TokenStore & { restore(): Promise<string | null> } {
  let current: SessionTokens | null = null;
  return {
    load: () => current,
    save(tokens) {
      current = tokens;
      session()?.setItem(KEY, tokens.refresh_token);
    },
    clear() {
      current = null;
      session()?.removeItem(KEY);
    },
    restore() {
      const refresh = session()?.getItem(KEY) ?? null;
      if (refresh) current = { access_token: '', refresh_token: refresh };
      return Promise.resolve(refresh);
    },
  };
}
