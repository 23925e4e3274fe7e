import { createApiClient, type SessionEnd, type User } from '@verzek/contract';
import { apiBaseUrl } from './config';
import { createTokenStore } from './token-store';

type SessionListener = { ended(why: SessionEnd, reason: string): void; user(user: User): void };
const listeners = new Set<SessionListener>();

export const tokenStore = createTokenStore();

/** The one API client of the app; the session provider listens for session changes. */
export const api = createApiClient({
  baseUrl: apiBaseUrl,
  tokens: tokenStore,
  onSessionEnded: (why, reason) => listeners.forEach((l) => l.ended(why, reason)),
  onUser: (user) => listeners.forEach((l) => l.user(user)),
});

export type Api = typeof api;

export function onSession(listener: SessionListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
