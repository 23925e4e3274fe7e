import type * as ReactModule from 'react';
import type { ReactNode } from 'react';
import type * as RN from 'react-native';

/** expo-router outside a navigator: links and redirects are recorded, params come from `mockParams`. */
export const mockRouter = {
  push: jest.fn(),
  replace: jest.fn(),
  back: jest.fn(),
  canGoBack: jest.fn(() => false),
};
export const mockParams: { current: Record<string, string> } = { current: {} };

jest.mock('expo-router', () => {
  const { Text } = jest.requireActual<typeof RN>('react-native');
  const React = jest.requireActual<typeof ReactModule>('react');
  return {
    router: mockRouter,
    useRouter: () => mockRouter,
    useLocalSearchParams: () => mockParams.current,
    usePathname: () => '/dashboard',
    Link: ({ children, href, testID }: { children: ReactNode; href: string; testID?: string }) =>
      React.createElement(Text, { testID, onPress: () => mockRouter.push(href) }, children),
    Redirect: ({ href }: { href: string }) => React.createElement(Text, { testID: 'redirect' }, String(href)),
    Slot: () => null,
    Stack: () => null,
  };
});

jest.mock('react-native-gifted-charts', () => {
  const { View } = jest.requireActual<typeof RN>('react-native');
  const React = jest.requireActual<typeof ReactModule>('react');
  return { LineChart: () => React.createElement(View, { testID: 'line-chart' }) };
});

beforeEach(() => {
  jest.clearAllMocks();
  mockParams.current = {};
});
