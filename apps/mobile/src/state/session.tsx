import type { LoginBody, RegisterBody, User } from '@verzek/contract';
import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { z } from 'zod';
import { api as defaultApi, onSession, tokenStore, type Api } from '../lib/api';
import { registeredPushToken, rememberPushToken } from '../lib/push-token';

export type SessionStatus = 'loading' | 'signed-out' | 'signed-in';

export interface Session {
  status: SessionStatus;
  user: User | null;
  /** Why the last session ended on its own (shown on the login screen). */
  endedReason: string | null;
  api: Api;
  login(body: z.input<typeof LoginBody>): Promise<User>;
  register(body: z.input<typeof RegisterBody>): Promise<User>;
  logout(): Promise<void>;
  reloadUser(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** The signed-in user (only inside screens that require a session). */
export function useUser(): User {
  const { user } = useSession();
  if (!user) throw new Error('useUser without a session');
  return user;
}

export function isAdmin(user: User | null): boolean {
  return user?.role === 'ADMIN';
}

/** PREMIUM (or an admin): may auto-trade. */
export function canTrade(user: User | null): boolean {
  return user?.role === 'ADMIN' || user?.plan === 'PREMIUM';
}

export function SessionProvider({
  children,
  api = defaultApi,
  initialUser,
}: {
  children: ReactNode;
  api?: Api;
  /** Tests start signed in (or out: null) without touching storage. */
  initialUser?: User | null;
}) {
  const queryClient = useQueryClient();
  const [user, setUser] = useState<User | null>(initialUser ?? null);
  const [status, setStatus] = useState<SessionStatus>(
    initialUser === undefined ? 'loading' : initialUser ? 'signed-in' : 'signed-out',
  );
  const [endedReason, setEndedReason] = useState<string | null>(null);

  useEffect(
    () =>
      onSession({
        ended(_why, reason) {
          setUser(null);
          setStatus('signed-out');
          setEndedReason(reason);
          queryClient.clear();
        },
        user(u) {
          setUser(u);
        },
      }),
    [queryClient],
  );

  useEffect(() => {
    if (initialUser !== undefined) return;
    let live = true;
    void (async () => {
      const stored = await tokenStore.restore();
      const ok = stored !== null && (await api.refresh());
      if (!live) return;
      if (ok) {
        const me = await api.auth.me().catch(() => null);
        if (!live) return;
        setUser(me);
        setStatus(me ? 'signed-in' : 'signed-out');
      } else {
        setStatus('signed-out');
      }
    })();
    return () => {
      live = false;
    };
  }, [api, initialUser]);

  const login = useCallback(
    async (body: z.input<typeof LoginBody>) => {
      const session = await api.auth.login(body);
      setUser(session.user);
      setEndedReason(null);
      setStatus('signed-in');
      return session.user;
    },
    [api],
  );
  const register = useCallback(
    async (body: z.input<typeof RegisterBody>) => {
      const session = await api.auth.register(body);
      setUser(session.user);
      setEndedReason(null);
      setStatus('signed-in');
      return session.user;
    },
    [api],
  );
  const logout = useCallback(async () => {
    const push = registeredPushToken();
    if (push) await api.push.unregister({ token: push }).catch(() => undefined);
    rememberPushToken(null);
    await api.auth.logout().catch(() => undefined);
    setUser(null);
    setStatus('signed-out');
    queryClient.clear();
  }, [api, queryClient]);
  const reloadUser = useCallback(async () => {
    setUser(await api.auth.me());
  }, [api]);

  const value = useMemo<Session>(
    () => ({ status, user, endedReason, api, login, register, logout, reloadUser }),
    [status, user, endedReason, api, login, register, logout, reloadUser],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** Re-reads the user when a screen opens (plan, verified email or auto-trading may have changed). */
export function useFreshUser(): void {
  const { reloadUser, status } = useSession();
  useEffect(() => {
    if (status === 'signed-in') void reloadUser().catch(() => undefined);
  }, [reloadUser, status]);
}
