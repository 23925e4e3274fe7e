import { fireEvent, screen, waitFor } from '@testing-library/react-native';
import { fakeServer, user } from '../test/fake-server';
import { renderWith } from '../test/render';
import { mockRouter } from '../test/setup';
import { LoginScreen } from './login';

describe('LoginScreen', () => {
  it('shows the contract’s validation messages without calling the server', async () => {
    const server = fakeServer();
    renderWith(<LoginScreen />, { api: server.api, user: null });
    fireEvent.changeText(screen.getByTestId('login-email'), 'not-an-email');
    fireEvent.press(screen.getByTestId('login-submit'));
    expect(await screen.findByTestId('login-email-error')).toHaveTextContent('must be a valid email address');
    expect(screen.getByTestId('login-password-error')).toBeTruthy();
    expect(server.calls).toHaveLength(0);
  });

  it('shows the server’s reason when the login fails', async () => {
    const server = fakeServer().on('POST', '/api/auth/login', () => ({
      status: 401,
      body: { error: 'invalid_credentials', reason: 'Wrong email or password' },
    }));
    renderWith(<LoginScreen />, { api: server.api, user: null });
    fireEvent.changeText(screen.getByTestId('login-email'), 'a@b.co');
    fireEvent.changeText(screen.getByTestId('login-password'), 'whatever1');
    fireEvent.press(screen.getByTestId('login-submit'));
    expect(await screen.findByTestId('login-failure')).toHaveTextContent('Wrong email or password');
  });

  it('asks for the 2FA code when the account has one, then logs in', async () => {
    const server = fakeServer().on('POST', '/api/auth/login', (body) =>
      (body as { totp?: string }).totp === '123456'
        ? { access_token: 'x', refresh_token: 'y', token_type: 'bearer', expires_in: 3600, user: user() }
        : { status: 401, body: { error: 'totp_required', reason: 'Two-factor authentication is on' } },
    );
    renderWith(<LoginScreen />, { api: server.api, user: null });
    fireEvent.changeText(screen.getByTestId('login-email'), 'Trader@Example.com');
    fireEvent.changeText(screen.getByTestId('login-password'), 'secret-pass');
    fireEvent.press(screen.getByTestId('login-submit'));
    const code = await screen.findByTestId('login-totp');
    fireEvent.changeText(code, '12');
    fireEvent.press(screen.getByTestId('login-submit'));
    expect(await screen.findByTestId('login-totp-error')).toHaveTextContent('must be 6 digits');
    fireEvent.changeText(code, '123456');
    fireEvent.press(screen.getByTestId('login-submit'));
    await waitFor(() => expect(mockRouter.replace).toHaveBeenCalledWith('/dashboard'));
    expect(server.calls.at(-1)?.body).toEqual({
      email: 'Trader@Example.com',
      password: 'secret-pass',
      totp: '123456',
    });
  });
});
