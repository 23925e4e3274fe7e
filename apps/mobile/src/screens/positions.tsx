import { useState } from 'react';
import { PnlChart } from '../components/charts';
import { Card, Empty, ErrorText, Row, Screen, Stat } from '../components/layout';
import { PositionCard } from '../components/position-card';
import { Tabs } from '../components/tabs';
import { message } from '../lib/errors';
import { fmtNum, fmtSigned, tone } from '../lib/format';
import { useClosePosition, useHistory, useOpenPositions } from '../state/queries/positions';

export function PositionsScreen() {
  const [tab, setTab] = useState<'open' | 'history'>('open');
  const [days, setDays] = useState<'7' | '30' | '90'>('30');
  const open = useOpenPositions();
  const history = useHistory(Number(days));
  const close = useClosePosition();
  return (
    <Screen title="Positions" testID="screen-positions">
      <Tabs
        value={tab}
        onChange={setTab}
        options={[
          { key: 'open', label: `Open (${open.data?.items.length ?? 0})` },
          { key: 'history', label: 'History' },
        ]}
        testID="positions-tab"
      />
      {tab === 'open' ? (
        <>
          <ErrorText
            error={open.error ? message(open.error) : close.error ? message(close.error) : null}
            testID="positions-error"
          />
          {open.isLoading ? <Empty text="Loading…" /> : null}
          {open.data && open.data.items.length === 0 ? (
            <Empty text="No open positions." testID="positions-empty" />
          ) : null}
          <Row gap={12}>
            {open.data?.items.map((p) => (
              <PositionCard
                key={p.id}
                position={p}
                onClose={(id) => close.mutate(id)}
                closing={close.isPending && close.variables === p.id}
              />
            ))}
          </Row>
        </>
      ) : (
        <>
          <Tabs
            value={days}
            onChange={setDays}
            options={[
              { key: '7', label: '7 days' },
              { key: '30', label: '30 days' },
              { key: '90', label: '90 days' },
            ]}
            testID="history-days"
          />
          <ErrorText error={history.error ? message(history.error) : null} />
          {history.data ? (
            <Card title="Results">
              <Row gap={16}>
                <Stat
                  label="Realized"
                  value={`${fmtSigned(history.data.totals.realized_usdt)} USDT`}
                  tone={tone(history.data.totals.realized_usdt)}
                  testID="history-realized"
                />
                <Stat label="Trades" value={String(history.data.totals.trades)} testID="history-trades" />
                <Stat
                  label="Wins / losses"
                  value={`${history.data.totals.wins} / ${history.data.totals.losses}`}
                />
                <Stat
                  label="Win rate"
                  value={history.data.totals.win_rate_pct ? `${history.data.totals.win_rate_pct} %` : '—'}
                />
                <Stat label="Fees" value={`${fmtNum(history.data.totals.fees_usdt, 4)} USDT`} />
              </Row>
              <PnlChart daily={history.data.daily} />
            </Card>
          ) : (
            <Empty text="Loading…" />
          )}
          {history.data && history.data.items.length === 0 ? (
            <Empty text="Nothing closed in this period." testID="history-empty" />
          ) : null}
          <Row gap={12}>
            {history.data?.items.map((p) => (
              <PositionCard key={p.id} position={p} />
            ))}
          </Row>
        </>
      )}
    </Screen>
  );
}
