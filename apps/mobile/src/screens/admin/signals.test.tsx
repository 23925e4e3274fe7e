import { fireEvent, screen } from '@testing-library/react-native';
import { fakeServer, user } from '../../test/fake-server';
import { renderWith } from '../../test/render';
import { AdminSignalStats } from './signals';

const figures = {
  total_signals: 23,
  wins: 10,
  losses: 5,
  breakeven: 0,
  cancelled: 2,
  expired: 2,
  open: 4,
  untracked: 0,
  win_rate: '66.6667',
  average_profit: '2.9708',
  total_profit: '44.5622',
};

const body = {
  ...figures,
  sources: [
    {
      ...figures,
      source_id: 3,
      name: 'alpha',
      kind: 'api',
      total_signals: 12,
      wins: 6,
      losses: 2,
      win_rate: '75',
      average_profit: '5.3934',
      open: 2,
    },
    {
      ...figures,
      source_id: 4,
      name: 'beta',
      kind: 'webhook',
      total_signals: 11,
      wins: 4,
      losses: 3,
      win_rate: '57.1429',
      average_profit: '-0.2021',
      open: 2,
    },
  ],
  from: null,
  to: null,
  source_id: null,
  generated_at: '2026-11-25T13:00:00.000Z',
};

describe('admin signal statistics', () => {
  it('shows the overall figures and one line per source, and asks for a period', async () => {
    const froms: (string | null)[] = [];
    const server = fakeServer()
      .on('GET', '/api/admin/signal-stats', (_b, url) => {
        froms.push(url.searchParams.get('from'));
        return froms.length === 1
          ? body
          : {
              ...body,
              ...figures,
              total_signals: 0,
              wins: 0,
              losses: 0,
              win_rate: null,
              average_profit: null,
              total_profit: null,
              sources: [],
            };
      })
      .on('GET', '/api/reports/daily', () => ({
        status: 404,
        body: { error: 'not_found', reason: 'no report' },
      }));
    renderWith(<AdminSignalStats />, { api: server.api, user: user({ role: 'ADMIN' }) });
    expect(await screen.findByTestId('admin-signal-stats-total')).toHaveTextContent('23');
    expect(screen.getByTestId('admin-signal-stats-wl')).toHaveTextContent('10 / 5');
    expect(screen.getByTestId('admin-signal-stats-win-rate')).toHaveTextContent('66.67 %');
    expect(screen.getByTestId('admin-signal-stats-avg')).toHaveTextContent('2.97 %');
    expect(screen.getByTestId('admin-signal-stats-source-3')).toHaveTextContent(
      /alpha.*12.*6 \/ 2.*75 %.*5\.39 %.*2/,
    );
    expect(screen.getByTestId('admin-signal-stats-source-4')).toHaveTextContent(
      /beta.*11.*4 \/ 3.*57\.14 %.*-0\.2 %/,
    );
    expect(screen.queryByTestId('admin-signal-stats-placeholder')).toBeNull();
    expect(froms).toEqual([null]);

    fireEvent.press(screen.getByTestId('admin-signal-stats-period-7'));
    expect(await screen.findByTestId('admin-signal-stats-empty')).toHaveTextContent(
      'No signals in this period.',
    );
    expect(froms[1]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(screen.getByTestId('admin-signal-stats-win-rate')).toHaveTextContent('—');
  });

  it('says what went wrong when the statistics cannot be read', async () => {
    const server = fakeServer()
      .on('GET', '/api/admin/signal-stats', () => ({
        status: 403,
        body: { error: 'forbidden', reason: 'Administrators only' },
      }))
      .on('GET', '/api/reports/daily', () => ({
        status: 404,
        body: { error: 'not_found', reason: 'no report' },
      }));
    renderWith(<AdminSignalStats />, { api: server.api, user: user({ role: 'ADMIN' }) });
    expect(await screen.findByTestId('admin-signal-stats-error')).toHaveTextContent(/Administrators only/);
    expect(screen.queryByTestId('admin-signal-stats-total')).toBeNull();
  });
});
