import { fireEvent, screen } from '@testing-library/react-native';
import { fakeServer, user } from '../test/fake-server';
import { renderWith } from '../test/render';
import { mockRouter } from '../test/setup';
import { TradeScreen } from './trade';

const preview = {
  ok: false,
  reasons: ['Daily loss limit reached'],
  symbol: 'BTCUSDT',
  direction: 'LONG',
  side: 'BUY',
  entry: { type: 'market', price: null, low: null, high: null },
  entry_price: '70000',
  market_price: '70000',
  price_source: 'market',
  leverage: 5,
  leverage_requested: null,
  stop_loss: '69000',
  capital_usdt: '100',
  per_trade_usdt: '5',
  sizing: { ok: true },
  qty: '0.001',
  notional_usdt: '70',
  margin_usdt: '14',
  entry_fee_usdt: '0.035',
  risk_usdt: '1',
  risk_pct_of_capital: '1',
  targets: [
    {
      n: 1,
      price: '71000',
      qty: '0.001',
      pnl_usdt: '1',
      pnl_pct: '7.1',
      pnl_pct_unleveraged: '1.4',
      cumulative_pnl_usdt: '1',
    },
  ],
  pnl_all_targets_usdt: '1',
  risk: {
    allowed: false,
    code: 'daily_loss_limit',
    reason: 'Daily loss limit of 25% reached',
    adjusted_qty: null,
    exposure_pct_after: null,
  },
  market: {
    tick_size: '0.1',
    lot_size: '0.001',
    min_qty: '0.001',
    min_notional: '5',
    max_leverage: 125,
    maker_fee: '0.0002',
    taker_fee: '0.0005',
  },
  execute: { allowed: true, error: null, reason: null },
};

describe('TradeScreen', () => {
  it('TRIAL: auto-trade is disabled with an upgrade prompt', () => {
    renderWith(<TradeScreen />, { api: fakeServer().api, user: user({ plan: 'TRIAL' }) });
    expect(screen.getByTestId('trade-upgrade')).toHaveTextContent(/PREMIUM feature — you are on TRIAL/);
    expect(screen.getByTestId('trade-autotrade-toggle')).toBeDisabled();
    fireEvent.press(screen.getByTestId('trade-upgrade-go'));
    expect(mockRouter.push).toHaveBeenCalledWith('/plans');
    expect(screen.queryByTestId('trade-preview')).toBeNull();
  });

  it('PREMIUM: turns auto-trading on through the strategy settings', async () => {
    const server = fakeServer()
      .on('PUT', '/api/users/7/strategy', () => ({ auto_trade_enabled: true }))
      .on('GET', '/api/auth/me', () => user({ plan: 'PREMIUM', auto_trade_enabled: true }))
      .on('GET', '/api/risk/limits/me', () => ({}));
    renderWith(<TradeScreen />, { api: server.api, user: user({ plan: 'PREMIUM' }) });
    const toggle = screen.getByTestId('trade-autotrade-toggle');
    expect(toggle).not.toBeDisabled();
    fireEvent(toggle, 'valueChange', true);
    await screen.findByTestId('trade-autotrade-toggle');
    expect(await screen.findByText('Auto-trade every signal')).toBeTruthy();
    expect(server.calls.find((c) => c.method === 'PUT')?.body).toEqual({ auto_trade_enabled: true });
  });

  it('shows the risk engine’s reason when a previewed trade would be blocked', async () => {
    const server = fakeServer().on('POST', '/api/trade/preview', () => preview);
    renderWith(<TradeScreen />, {
      api: server.api,
      user: user({ plan: 'PREMIUM', auto_trade_enabled: true }),
    });
    fireEvent.changeText(screen.getByTestId('trade-sl'), '69000');
    fireEvent.changeText(screen.getByTestId('trade-tp'), '71000');
    fireEvent.press(screen.getByTestId('trade-preview'));
    expect(await screen.findByTestId('trade-blocked')).toHaveTextContent(
      'Blocked by the risk engine: Daily loss limit of 25% reached',
    );
    expect(screen.getByTestId('preview-tp-1')).toHaveTextContent('+1 USDT (+7.1%)');
    expect(screen.getByTestId('trade-execute')).toBeDisabled();
    expect(server.calls.find((c) => c.path === '/api/trade/preview')?.body).toEqual({
      symbol: 'BTCUSDT',
      direction: 'LONG',
      sl: '69000',
      tp: ['71000'],
    });
  });

  it('refuses a trade without a stop loss before asking the server', async () => {
    const server = fakeServer();
    renderWith(<TradeScreen />, { api: server.api, user: user({ plan: 'PREMIUM' }) });
    fireEvent.press(screen.getByTestId('trade-preview'));
    expect(await screen.findByTestId('trade-sl-error')).toHaveTextContent(/a stop loss is required/);
    // Only the session's own re-read of the user; nothing about the trade reached the server.
    expect(server.calls.filter((c) => c.path !== '/api/auth/me')).toHaveLength(0);
  });
});
