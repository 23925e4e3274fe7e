import { fireEvent, screen, waitFor } from '@testing-library/react-native';
import { fakeServer, user } from '../test/fake-server';
import { renderWith } from '../test/render';
import { PlansScreen } from './plans';
import { StrategySettingsForm } from './settings/strategy';

const strategy = {
  auto_trade_enabled: false,
  symbol_whitelist: [],
  symbol_blacklist: ['DOGEUSDT'],
  trade_types: ['FUTURES'],
  follow_all_sources: true,
  sources: [],
  capital_usdt: '100',
  per_trade_usdt: '5',
  leverage: 5,
  tp_split_pct: null,
  breakeven_mode: 'breakeven',
  sizing_mode: 'fixed',
  risk_per_trade_pct: 1,
  entry_mode: 'market',
};

describe('settings forms', () => {
  it('strategy: a TP split must add up to 100; symbol lists are sent as lists', async () => {
    const server = fakeServer()
      .on('GET', '/api/users/7/strategy', () => strategy)
      .on('PUT', '/api/users/7/strategy', (body) => ({ ...strategy, ...(body as object) }))
      .on('GET', '/api/auth/me', () => user({ plan: 'PREMIUM' }))
      .on('GET', '/api/risk/limits/me', () => ({}));
    renderWith(<StrategySettingsForm />, { api: server.api, user: user({ plan: 'PREMIUM' }) });
    const split = await screen.findByTestId('strategy-tp-split');
    fireEvent.changeText(split, '50, 30');
    fireEvent.press(screen.getByTestId('strategy-save'));
    expect(await screen.findByTestId('strategy-tp-split-error')).toHaveTextContent(
      'percentages must add up to 100',
    );
    fireEvent.changeText(split, '50, 30, 20');
    fireEvent.changeText(screen.getByTestId('strategy-whitelist'), 'btcusdt, ETHUSDT');
    fireEvent.press(screen.getByTestId('strategy-save'));
    expect(await screen.findByTestId('strategy-saved')).toBeTruthy();
    const put = server.calls.find((c) => c.method === 'PUT')?.body as Record<string, unknown>;
    expect(put.tp_split_pct).toEqual([50, 30, 20]);
    expect(put.symbol_whitelist).toEqual(['btcusdt', 'ETHUSDT']);
    expect(put.symbol_blacklist).toEqual(['DOGEUSDT']);
  });

  it('TRIAL cannot switch auto-trading on in the strategy', async () => {
    const server = fakeServer().on('GET', '/api/users/7/strategy', () => strategy);
    renderWith(<StrategySettingsForm />, { api: server.api, user: user({ plan: 'TRIAL' }) });
    expect(await screen.findByTestId('strategy-auto')).toBeDisabled();
  });

  it('payment: the address can be copied, the hash is validated, the status is shown', async () => {
    const server = fakeServer()
      .on('GET', '/api/plans', () => ({
        currency: 'USDT',
        network: 'TRC20',
        token_contract: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t',
        wallet_address: 'TXYZpaymentswallet00000000000000000',
        payments_enabled: true,
        payments_disabled_reason: null,
        duration_days: 30,
        plans: [
          { plan: 'TRIAL', price_usdt: '0', duration_days: null, features: ['Delayed feed'] },
          { plan: 'PREMIUM', price_usdt: '100', duration_days: 30, features: ['Auto-trading'] },
        ],
      }))
      .on('GET', '/api/payments/me', () => ({
        items: [
          {
            id: 3,
            plan: 'PREMIUM',
            amount_usdt: '100',
            tx_hash: 'ab'.repeat(32),
            status: 'PENDING',
            reason: null,
          },
        ],
        total: 1,
        limit: 20,
        offset: 0,
      }))
      .on('POST', '/api/payments/usdt/initiate', () => ({ status: 201, body: { id: 4, status: 'PENDING' } }));
    renderWith(<PlansScreen />, { api: server.api, user: user() });
    expect(await screen.findByTestId('plans-address')).toHaveTextContent(
      'TXYZpaymentswallet00000000000000000',
    );
    expect(screen.getByTestId('plans-amount')).toHaveTextContent('100 USDT');
    expect(await screen.findByTestId('payment-3-status')).toHaveTextContent('PENDING');
    fireEvent.press(screen.getByTestId('plans-copy'));
    await waitFor(() => expect(screen.getByTestId('plans-copy')).toHaveTextContent('Copied'));
    fireEvent.changeText(screen.getByTestId('plans-hash'), 'not-a-hash');
    fireEvent.press(screen.getByTestId('plans-submit'));
    expect(await screen.findByTestId('plans-hash-error')).toHaveTextContent(
      'must be a transaction hash of 64 hexadecimal characters',
    );
    fireEvent.changeText(screen.getByTestId('plans-hash'), 'cd'.repeat(32));
    fireEvent.press(screen.getByTestId('plans-submit'));
    expect(await screen.findByTestId('plans-submitted')).toBeTruthy();
    expect(server.calls.find((c) => c.method === 'POST')?.body).toEqual({
      plan: 'PREMIUM',
      tx_hash: 'cd'.repeat(32),
      network: 'TRC20',
    });
  });
});
