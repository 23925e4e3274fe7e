import { useQuery } from '@tanstack/react-query';
import { router } from 'expo-router';
import { SafetyBadge } from '../components/app-shell';
import { Button } from '../components/button';
import { PnlChart } from '../components/charts';
import { Banner, Card, Empty, ErrorText, Row, Screen, Stat } from '../components/layout';
import { PositionCard } from '../components/position-card';
import { T } from '../components/text';
import { message } from '../lib/errors';
import { fmtSigned, fmtUsdt, tone } from '../lib/format';
import { useClosePosition, useHistory, useOpenPositions } from '../state/queries/positions';
import { useRiskLimits, useSafetyWidget } from '../state/queries/safety';
import { useExchange } from '../state/queries/settings';
import { canTrade, useSession, useUser, useFreshUser } from '../state/session';

export function DashboardScreen() {
  useFreshUser();
  const user = useUser();
  const { api } = useSession();
  const exchange = useExchange();
  const provider = exchange.data?.provider ?? 'paper';
  const balance = useQuery({
    queryKey: ['balance', provider],
    queryFn: () => api.exchanges.balance(user.id, provider),
    enabled: !exchange.isLoading,
    refetchInterval: 60_000,
  });
  const positions = useOpenPositions();
  const limits = useRiskLimits();
  const widget = useSafetyWidget();
  const history = useHistory(30);
  const close = useClosePosition();
  const items = positions.data?.items ?? [];
  const today = limits.data?.current;

  return (
    <Screen
      title="Dashboard"
      testID="screen-dashboard"
      actions={<SafetyBadge />}
      refreshing={positions.isRefetching}
      onRefresh={() => void positions.refetch()}
    >
      {!user.email_verified ? (
        <Banner
          kind="info"
          text="Verify your email to connect an exchange and trade."
          testID="dashboard-verify"
        >
          <Row>
            <Button
              compact
              title="Verify now"
              onPress={() => router.push('/verify-email')}
              testID="dashboard-verify-go"
            />
          </Row>
        </Banner>
      ) : null}
      {!canTrade(user) ? (
        <Banner
          kind="info"
          text={`You are on ${user.plan}: auto-trading comes with PREMIUM.`}
          testID="dashboard-upgrade"
        >
          <Row>
            <Button
              compact
              kind="gold"
              title="See plans"
              onPress={() => router.push('/plans')}
              testID="dashboard-upgrade-go"
            />
          </Row>
        </Banner>
      ) : null}
      <Card title="Account">
        <Row gap={16}>
          <Stat
            label={`${exchange.data?.mode === 'paper' || !exchange.data ? 'Paper' : 'Live'} balance`}
            value={balance.data ? fmtUsdt(balance.data.total) : balance.isError ? 'unavailable' : '…'}
            testID="dashboard-balance"
          />
          <Stat
            label="Today's PnL"
            value={today ? `${fmtSigned(today.today_realized_pnl_usdt)} USDT` : '…'}
            tone={tone(today?.today_realized_pnl_usdt)}
            testID="dashboard-today-pnl"
          />
          <Stat label="Open trades" value={String(items.length)} testID="dashboard-open-count" />
          <Stat label="Trades today" value={today ? String(today.today_trades) : '…'} />
          <Stat
            label="Auto-trade"
            value={user.auto_trade_enabled ? 'ON' : 'OFF'}
            testID="dashboard-autotrade"
          />
        </Row>
        {exchange.data ? (
          <T variant="small">
            Exchange: {exchange.data.provider} ({exchange.data.mode})
          </T>
        ) : null}
      </Card>
      <Card title="Open positions" testID="dashboard-positions">
        <ErrorText
          error={positions.error ? message(positions.error) : close.error ? message(close.error) : null}
        />
        {positions.isLoading ? <Empty text="Loading…" /> : null}
        {!positions.isLoading && items.length === 0 ? (
          <Empty text="No open positions." testID="dashboard-no-positions" />
        ) : null}
        <Row gap={12}>
          {items.map((p) => (
            <PositionCard
              key={p.id}
              position={p}
              onClose={(id) => close.mutate(id)}
              closing={close.isPending && close.variables === p.id}
            />
          ))}
        </Row>
      </Card>
      <Card title="Safety">
        <Row gap={16}>
          <Stat
            label="Kill switch"
            value={widget.data ? (widget.data.kill_switch ? 'ON — halted' : 'off') : '…'}
            testID="dashboard-kill"
          />
          <Stat
            label="Today's system drawdown"
            value={widget.data ? `${Number(widget.data.today_dd_pct).toFixed(2)} %` : '…'}
          />
          <Stat label="Limit" value={widget.data ? `${widget.data.max_dd_limit} %` : '…'} />
          <Stat label="Blocked today" value={widget.data ? String(widget.data.blocks) : '…'} />
        </Row>
      </Card>
      <Card title="PnL, last 30 days">
        <PnlChart daily={history.data?.daily ?? []} />
      </Card>
    </Screen>
  );
}
