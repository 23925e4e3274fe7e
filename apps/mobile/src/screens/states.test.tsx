import { screen } from '@testing-library/react-native';
import Index from '../../app/index';
import AdminRoute from '../../app/(app)/admin';
import { fakeServer, user, widget } from '../test/fake-server';
import { renderWith } from '../test/render';
import { FeedScreen } from './feed';
import { DashboardScreen } from './dashboard';

const signal = {
  id: 1,
  source_id: 1,
  symbol: 'BTCUSDT',
  direction: 'LONG',
  entry_type: 'single',
  entries: ['70000'],
  targets: ['70500', '71000'],
  stop_loss: '69000',
  leverage: 10,
  margin_mode: null,
  trade_type: 'FUTURES',
  confidence: null,
  duration: null,
  status: 'OPEN',
  highest_tp: 0,
  created_at: '2026-11-22T11:00:00.000Z',
  closed_at: null,
};

describe('states', () => {
  it('logged out: the start page is the welcome screen', () => {
    renderWith(<Index />, { api: fakeServer().api, user: null });
    expect(screen.getByTestId('redirect')).toHaveTextContent('/welcome');
  });

  it('logged in: the start page is the dashboard', () => {
    renderWith(<Index />, { api: fakeServer().api, user: user() });
    expect(screen.getByTestId('redirect')).toHaveTextContent('/dashboard');
  });

  it('a user is sent away from the admin area', () => {
    renderWith(<AdminRoute />, { api: fakeServer().api, user: user({ plan: 'PREMIUM' }) });
    expect(screen.getByTestId('redirect')).toHaveTextContent('/dashboard');
  });

  it('TRIAL: the feed explains the delay', async () => {
    const server = fakeServer().on('GET', '/api/signals', () => ({
      items: [signal],
      next_cursor: null,
      trial: { delay_minutes: 15, history_days: 3 },
    }));
    renderWith(<FeedScreen />, { api: server.api, user: user() });
    expect(await screen.findByTestId('trial-delay')).toHaveTextContent(
      /appear 15 minutes after they are posted/,
    );
    expect(screen.getByTestId('signal-1')).toHaveTextContent(/BTCUSDT/);
  });

  it('PREMIUM: the dashboard shows balance, today’s PnL and open positions; TRIAL gets the upgrade prompt', async () => {
    const position = {
      id: 5,
      user_id: 7,
      signal_id: 1,
      origin: 'signal',
      symbol: 'BTCUSDT',
      direction: 'LONG',
      side: 'BUY',
      status: 'OPEN',
      close_reason: null,
      close_note: null,
      closing: false,
      leverage: 5,
      margin_mode: 'ISOLATED',
      entry: { type: 'market', price: null, low: null, high: null },
      qty: '0.001',
      filled_qty: '0.001',
      remaining_qty: '0.001',
      avg_entry_price: '70000',
      avg_exit_price: null,
      stop_loss: '69000',
      stop_price: '69000',
      stop_kind: 'initial',
      ladder: [],
      highest_tp_reached: 0,
      margin_usdt: '14',
      realized_pnl_usdt: '0',
      realized_pnl_pct: null,
      realized_pnl_pct_unleveraged: null,
      fees_usdt: '0.03',
      venue: 'paper',
      created_at: '2026-11-22T11:00:00.000Z',
      opened_at: '2026-11-22T11:00:00.000Z',
      closed_at: null,
      updated_at: '2026-11-22T11:00:00.000Z',
    };
    const server = () =>
      fakeServer()
        .on('GET', '/api/exchanges/me', () => ({
          provider: 'paper',
          mode: 'paper',
          leverage_default: 10,
          margin_mode: 'ISOLATED',
          hedge_mode: 0,
          has_keys: false,
          permissions: {},
          warnings: [],
          connected_at: null,
        }))
        .on('GET', '/api/users/7/balance/paper', () => ({
          exchange: 'paper',
          mode: 'paper',
          asset: 'USDT',
          total: '10000',
          free: '9986',
        }))
        .on('GET', '/api/positions', () => ({ items: [position], next_before: null }))
        .on('GET', '/api/risk/limits/me', () => ({
          current: {
            open_trades: 1,
            exposure_usdt: '70',
            exposure_pct: '0.7',
            today_trades: 2,
            today_realized_pnl_usdt: '3.5',
            today_realized_pnl_pct: '3.5',
            cooldown_until: null,
          },
        }))
        .on('GET', '/api/safety/widget', () => widget(false))
        .on('GET', '/api/positions/history', () => ({ daily: [], items: [], totals: {} }));
    const premium = renderWith(<DashboardScreen />, {
      api: server().api,
      user: user({ plan: 'PREMIUM', auto_trade_enabled: true }),
    });
    expect(await screen.findByText('10,000 USDT')).toBeTruthy();
    expect(await screen.findByTestId('position-5')).toHaveTextContent(/BTCUSDT/);
    expect(screen.getByTestId('dashboard-today-pnl')).toHaveTextContent('+3.5 USDT');
    expect(screen.queryByTestId('dashboard-upgrade')).toBeNull();
    premium.unmount();
    const trial = renderWith(<DashboardScreen />, { api: server().api, user: user({ plan: 'TRIAL' }) });
    expect(screen.getByTestId('dashboard-upgrade')).toHaveTextContent(/You are on TRIAL/);
    await trial.settled();
  });
});
