import { screen } from '@testing-library/react-native';
import { Text } from 'react-native';
import { fakeServer, user, widget } from '../test/fake-server';
import { renderWith } from '../test/render';
import { AppShell } from './app-shell';

const shell = (kill: boolean) => fakeServer().on('GET', '/api/safety/widget', () => widget(kill));

describe('AppShell', () => {
  it('HALTED: shows the banner and badge while the kill switch is on', async () => {
    renderWith(
      <AppShell>
        <Text>page</Text>
      </AppShell>,
      { api: shell(true).api, user: user() },
    );
    expect(await screen.findByTestId('halted-banner')).toHaveTextContent(/HALTED — the kill switch is on/);
    expect(screen.getByTestId('safety-badge')).toHaveTextContent('HALTED');
  });

  it('normal: a safe badge, no banner; no admin link for a user', async () => {
    renderWith(
      <AppShell>
        <Text>page</Text>
      </AppShell>,
      { api: shell(false).api, user: user({ plan: 'VIP' }) },
    );
    expect(await screen.findByTestId('safety-badge')).toHaveTextContent('Safe · DD 1.5%');
    expect(screen.queryByTestId('halted-banner')).toBeNull();
    expect(screen.queryByTestId('nav-admin')).toBeNull();
    expect(screen.getByTestId('account-name')).toHaveTextContent('trader · VIP');
  });

  it('ADMIN: the admin area is in the navigation', async () => {
    renderWith(
      <AppShell>
        <Text>page</Text>
      </AppShell>,
      { api: shell(false).api, user: user({ role: 'ADMIN', username: 'boss' }) },
    );
    expect(await screen.findByTestId('nav-admin')).toBeTruthy();
    expect(screen.getByTestId('account-name')).toHaveTextContent('boss · ADMIN');
    // The safety widget answers after the first render: wait for it, so its update lands in the test.
    expect(await screen.findByTestId('safety-badge')).toHaveTextContent('Safe · DD 1.5%');
  });
});
