import { fireEvent, screen, waitFor } from '@testing-library/react-native';
import { fakeServer, user } from '../test/fake-server';
import { renderWith } from '../test/render';
import { mockParams, mockRouter } from '../test/setup';
import { RegisterScreen } from './register';

describe('RegisterScreen', () => {
  it('validates each field with the contract’s messages', async () => {
    const server = fakeServer();
    renderWith(<RegisterScreen />, { api: server.api, user: null });
    fireEvent.changeText(screen.getByTestId('register-username'), 'bad name!');
    fireEvent.changeText(screen.getByTestId('register-email'), 'x@y.z');
    fireEvent.changeText(screen.getByTestId('register-password'), 'short');
    fireEvent.press(screen.getByTestId('register-submit'));
    expect(await screen.findByTestId('register-username-error')).toHaveTextContent(
      'letters, digits, _ . - only',
    );
    expect(screen.getByTestId('register-password-error')).toHaveTextContent('must be at least 8 characters');
    expect(server.calls).toHaveLength(0);
  });

  it('takes the referral code from the link and sends it, then asks to verify the email', async () => {
    mockParams.current = { ref: 'PARTNER1' };
    const server = fakeServer().on('POST', '/api/auth/register', () => ({
      status: 201,
      body: {
        access_token: 'x',
        refresh_token: 'y',
        token_type: 'bearer',
        expires_in: 3600,
        user: user({ email_verified: false }),
      },
    }));
    renderWith(<RegisterScreen />, { api: server.api, user: null });
    expect(screen.getByTestId('register-ref').props.value).toBe('PARTNER1');
    fireEvent.changeText(screen.getByTestId('register-username'), 'newbie');
    fireEvent.changeText(screen.getByTestId('register-email'), 'newbie@example.com');
    fireEvent.changeText(screen.getByTestId('register-password'), 'long enough pw');
    fireEvent.press(screen.getByTestId('register-submit'));
    await waitFor(() => expect(mockRouter.replace).toHaveBeenCalledWith('/verify-email'));
    expect(server.calls[0]?.body).toEqual({
      username: 'newbie',
      email: 'newbie@example.com',
      password: 'long enough pw',
      ref: 'PARTNER1',
    });
  });
});
