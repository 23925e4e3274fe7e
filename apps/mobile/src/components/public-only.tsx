import { Redirect } from 'expo-router';
import type { ReactNode } from 'react';
import { useSession } from '../state/session';
import { Splash } from './splash';

/** Login and registration: a signed-in visitor goes to the dashboard. */
export function PublicOnly({ children }: { children: ReactNode }) {
  const { status } = useSession();
  if (status === 'loading') return <Splash />;
  if (status === 'signed-in') return <Redirect href="/dashboard" />;
  return <>{children}</>;
}
