import { router, useLocalSearchParams } from 'expo-router';
import { Button } from '../components/button';
import { SignalChart } from '../components/charts';
import { Badge, Card, Empty, ErrorText, KV, Row, Screen } from '../components/layout';
import { T } from '../components/text';
import { message } from '../lib/errors';
import { fmtSigned, fmtTime } from '../lib/format';
import { colors } from '../lib/theme';
import { useSignal } from '../state/queries/signals';

const eventText: Record<string, string> = {
  TP_HIT: 'Target reached',
  ALL_TP: 'All targets reached',
  SL_HIT: 'Stop loss hit',
  CANCELLED: 'Cancelled',
  CLOSED: 'Closed',
  ENTRY_FILLED: 'Entry filled',
  EDIT: 'Edited',
};

export function SignalDetailScreen() {
  const { id } = useLocalSearchParams<{ id: string }>();
  const signal = useSignal(Number(id));
  const s = signal.data;
  return (
    <Screen
      title={s ? `${s.symbol} ${s.direction}` : 'Signal'}
      testID="screen-signal"
      actions={
        <Button
          compact
          kind="ghost"
          title="Back"
          onPress={() => (router.canGoBack() ? router.back() : router.replace('/feed'))}
          testID="signal-back"
        />
      }
    >
      <ErrorText error={signal.error ? message(signal.error) : null} />
      {!s ? (
        <Empty text="Loading…" />
      ) : (
        <>
          <Card title="The ladder">
            <KV k="Status" v={s.status} testID="signal-status" />
            <KV k="Entry" v={s.entries.join(' – ') || 'market'} />
            {s.targets.map((t, i) => (
              <Row key={t + String(i)} style={{ justifyContent: 'space-between' }}>
                <T variant="muted">Target {i + 1}</T>
                <Row>
                  <T style={{ fontWeight: '600' }}>{t}</T>
                  {s.highest_tp > i ? <Badge text="reached" kind="ok" /> : null}
                </Row>
              </Row>
            ))}
            <KV k="Stop loss" v={s.stop_loss ?? '—'} />
            <KV k="Leverage" v={s.leverage ? `×${s.leverage}` : 'your setting'} />
            <KV
              k="Type"
              v={`${s.trade_type}${s.duration ? ` · ${s.duration}` : ''}${s.confidence !== null ? ` · confidence ${Math.round(s.confidence * 100)}%` : ''}`}
            />
            <KV k="Posted" v={fmtTime(s.created_at)} />
            <T variant="small" accessibilityLabel={`${s.highest_tp} of ${s.targets.length} targets reached`}>
              Progress: {s.highest_tp} of {s.targets.length} targets
            </T>
          </Card>
          <Card title="Price path">
            <SignalChart signal={s} />
          </Card>
          <Card title="My position" testID="signal-my-position">
            {s.my_position ? (
              <>
                <KV k="Status" v={s.my_position.status} />
                <KV
                  k="Realized PnL"
                  v={`${fmtSigned(s.my_position.realized_pnl_usdt)} USDT${s.my_position.realized_pnl_pct ? ` (${fmtSigned(s.my_position.realized_pnl_pct, '%')})` : ''}`}
                />
                <Button
                  compact
                  kind="ghost"
                  title="See positions"
                  onPress={() => router.push('/positions')}
                />
              </>
            ) : (
              <T variant="muted">
                You had no position on this signal (auto-trading off, not PREMIUM, filtered out or blocked by
                a risk limit).
              </T>
            )}
          </Card>
          <Card title="What happened">
            {s.events.length === 0 ? <T variant="muted">No follow-ups yet.</T> : null}
            {s.events.map((e) => (
              <Row key={e.id} style={{ justifyContent: 'space-between' }}>
                <T style={{ color: e.kind === 'SL_HIT' ? colors.danger : colors.text }}>
                  {eventText[e.kind] ?? e.kind}
                  {e.target ? ` ${e.target}` : ''}
                </T>
                <T variant="small">{fmtTime(e.created_at)}</T>
              </Row>
            ))}
          </Card>
        </>
      )}
    </Screen>
  );
}
