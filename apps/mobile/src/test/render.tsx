import type { User } from '@verzek/contract';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, waitFor } from '@testing-library/react-native';
import type { ReactElement } from 'react';
import { SafeAreaProvider } from 'react-native-safe-area-context';
import type { Api } from '../lib/api';
import { LiveProvider } from '../state/live';
import { SessionProvider } from '../state/session';

/**
 * Renders a screen with the app's providers, a fake API and a fixed session (null: logged out).
 * `settled()` waits until no query is in flight, so answers that arrive after a test's last assertion
 * still land inside it (and inside act).
 */
export function renderWith(ui: ReactElement, { api, user }: { api: Api; user: User | null }) {
  const client = new QueryClient({
    defaultOptions: { queries: { retry: false, gcTime: Infinity }, mutations: { retry: false } },
  });
  const rendered = render(
    <SafeAreaProvider
      initialMetrics={{
        frame: { x: 0, y: 0, width: 390, height: 800 },
        insets: { top: 0, left: 0, right: 0, bottom: 0 },
      }}
    >
      <QueryClientProvider client={client}>
        <SessionProvider api={api} initialUser={user}>
          <LiveProvider enabled={false}>{ui}</LiveProvider>
        </SessionProvider>
      </QueryClientProvider>
    </SafeAreaProvider>,
  );
  const settled = () => waitFor(() => expect(client.isFetching()).toBe(0));
  return { ...rendered, settled };
}
