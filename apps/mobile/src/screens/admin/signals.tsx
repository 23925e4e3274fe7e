import { SignalCreateBody } from '@verzek/contract';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { View } from 'react-native';
import { Button } from '../../components/button';
import { Field } from '../../components/field';
import { Card, Empty, ErrorText, Row, Stat } from '../../components/layout';
import { Tabs } from '../../components/tabs';
import { T } from '../../components/text';
import { message } from '../../lib/errors';
import { fmtNum, tone } from '../../lib/format';
import { list, validate, type FieldErrors } from '../../lib/form';
import { colors } from '../../lib/theme';
import { keys } from '../../state/queries/keys';
import { useSession } from '../../state/session';

type Period = 'all' | '30' | '7';

const periods: { key: Period; label: string }[] = [
  { key: 'all', label: 'All time' },
  { key: '30', label: '30 days' },
  { key: '7', label: '7 days' },
];

/** The first day (UTC) of a period ending today, or undefined for all time. */
function fromDay(period: Period, now = Date.now()): string | undefined {
  if (period === 'all') return undefined;
  return new Date(now - (Number(period) - 1) * 86_400_000).toISOString().slice(0, 10);
}

const pct = (v: string | null) => (v === null ? '—' : `${fmtNum(v, 2)} %`);

/** One line of the per-source table; the header uses the same columns. */
function SourceLine({
  cells,
  header,
  testID,
}: {
  cells: [string, string, string, string, string, string];
  header?: boolean;
  testID?: string;
}) {
  return (
    <View
      style={{
        flexDirection: 'row',
        borderTopWidth: header ? 0 : 1,
        borderColor: colors.border,
        paddingVertical: 6,
      }}
      testID={testID}
    >
      {cells.map((c, i) => (
        <T
          key={i}
          variant={header ? 'label' : 'body'}
          style={{ flex: i === 0 ? 2 : 1, textAlign: i === 0 ? 'left' : 'right' }}
          numberOfLines={1}
        >
          {c}
        </T>
      ))}
    </View>
  );
}

/**
 * Signal statistics (`/api/admin/signal-stats`): what each signal's own entry, targets and stop did
 * against the market at 1× leverage, overall and per source — not what the channels claim. Below
 * it, the latest daily report (the followers' actual trades).
 */
export function AdminSignalStats() {
  const { api } = useSession();
  const [period, setPeriod] = useState<Period>('all');
  const from = fromDay(period);
  const stats = useQuery({
    queryKey: keys.admin('signal-stats', from ?? 'all'),
    queryFn: () => api.admin.signalStats(from ? { from } : {}),
    refetchInterval: 60_000,
  });
  const report = useQuery({ queryKey: keys.admin('report'), queryFn: () => api.admin.dailyReport() });
  const r = report.data && 'trading' in report.data ? report.data : null;
  const o = stats.data;
  return (
    <Card title="Signal statistics" testID="admin-signal-stats">
      <Tabs value={period} onChange={setPeriod} options={periods} testID="admin-signal-stats-period" />
      <ErrorText error={stats.error ? message(stats.error) : null} testID="admin-signal-stats-error" />
      {o ? (
        <>
          <Row gap={16}>
            <Stat label="Signals" value={String(o.total_signals)} testID="admin-signal-stats-total" />
            <Stat label="Wins / losses" value={`${o.wins} / ${o.losses}`} testID="admin-signal-stats-wl" />
            <Stat label="Win rate" value={pct(o.win_rate)} testID="admin-signal-stats-win-rate" />
            <Stat
              label="Avg profit (1×)"
              value={pct(o.average_profit)}
              tone={tone(o.average_profit)}
              testID="admin-signal-stats-avg"
            />
            <Stat label="Total (1×)" value={pct(o.total_profit)} tone={tone(o.total_profit)} />
            <Stat label="Open" value={String(o.open)} />
            <Stat label="Cancelled" value={String(o.cancelled)} />
            <Stat label="Expired" value={String(o.expired)} />
            {o.breakeven > 0 ? <Stat label="Breakeven" value={String(o.breakeven)} /> : null}
            {o.untracked > 0 ? <Stat label="Untracked" value={String(o.untracked)} /> : null}
          </Row>
          {o.sources.length === 0 ? (
            <Empty text="No signals in this period." testID="admin-signal-stats-empty" />
          ) : (
            <View testID="admin-signal-stats-sources">
              <SourceLine header cells={['Source', 'Signals', 'W / L', 'Win rate', 'Avg', 'Open']} />
              {o.sources.map((src) => (
                <SourceLine
                  key={src.source_id}
                  testID={`admin-signal-stats-source-${src.source_id}`}
                  cells={[
                    src.name ?? `#${src.source_id}`,
                    String(src.total_signals),
                    `${src.wins} / ${src.losses}`,
                    pct(src.win_rate),
                    pct(src.average_profit),
                    String(src.open),
                  ]}
                />
              ))}
            </View>
          )}
          <T variant="small">
            From each signal’s own entry, targets and stop against the market, at 1× leverage: equal shares
            per target, stop to breakeven after TP1, fees left out. What a channel claims does not count. Win
            rate = wins / (wins + losses).
          </T>
        </>
      ) : null}
      <T variant="label">Latest daily report (followers’ trades){r ? ` · ${r.day}` : ''}</T>
      {r ? (
        <Row gap={16}>
          <Stat label="Signals" value={String(r.trading.signals)} />
          <Stat label="Trades" value={String(r.trading.trades)} />
          <Stat label="Wins / losses" value={`${r.trading.wins} / ${r.trading.losses}`} />
          <Stat label="Win rate" value={r.trading.win_rate_pct ? `${r.trading.win_rate_pct} %` : '—'} />
          <Stat label="Avg profit" value={r.trading.avg_profit_pct ? `${r.trading.avg_profit_pct} %` : '—'} />
          <Stat label="Blocked" value={String(r.safety.blocked_trades)} />
        </Row>
      ) : (
        <T variant="muted">
          {report.error ? message(report.error) : 'No daily report yet (written at 23:59 UTC).'}
        </T>
      )}
    </Card>
  );
}

/** Post a signal as the administrator (it is broadcast and executed for every eligible follower). */
export function AdminPostSignal() {
  const { api } = useSession();
  const [symbol, setSymbol] = useState('BTCUSDT');
  const [direction, setDirection] = useState<'LONG' | 'SHORT'>('LONG');
  const [entry, setEntry] = useState('');
  const [targets, setTargets] = useState('');
  const [stop, setStop] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const post = useMutation({
    mutationFn: async () => {
      const body = {
        symbol: symbol.trim(),
        direction,
        ...(list(entry).length ? { entry: list(entry).length > 1 ? list(entry) : list(entry)[0] } : {}),
        targets: list(targets),
        ...(stop.trim() ? { stop_loss: stop.trim() } : {}),
      };
      const checked = validate(SignalCreateBody, body);
      if (!checked.ok) {
        setErrors(checked.errors);
        throw new Error('Fix the fields marked in red');
      }
      setErrors({});
      return api.signals.create(body);
    },
  });
  return (
    <Card title="Post a signal" testID="admin-post-signal">
      <Row gap={8}>
        <Field
          label="Symbol"
          value={symbol}
          onChangeText={setSymbol}
          autoCapitalize="characters"
          error={errors.symbol}
          testID="admin-signal-symbol"
        />
        <Field
          label="Entry (empty = market; two = zone)"
          value={entry}
          onChangeText={setEntry}
          error={errors.entry}
          testID="admin-signal-entry"
        />
      </Row>
      <Tabs
        value={direction}
        onChange={setDirection}
        options={[
          { key: 'LONG', label: 'Long' },
          { key: 'SHORT', label: 'Short' },
        ]}
        testID="admin-signal-direction"
      />
      <Row gap={8}>
        <Field
          label="Targets"
          value={targets}
          onChangeText={setTargets}
          error={errors.targets}
          hint="comma separated"
          testID="admin-signal-targets"
        />
        <Field
          label="Stop loss"
          value={stop}
          onChangeText={setStop}
          error={errors.stop_loss}
          testID="admin-signal-stop"
        />
      </Row>
      <ErrorText error={post.error ? message(post.error) : null} testID="admin-signal-error" />
      {post.data ? (
        <T testID="admin-signal-posted" style={{ color: colors.success }}>
          Signal #{post.data.id}: {post.data.message} — {post.data.executions.queued} executions queued,{' '}
          {post.data.executions.blocked} blocked
          {post.data.executions.reason ? ` (${post.data.executions.reason})` : ''}
        </T>
      ) : null}
      <Row>
        <Button
          kind="gold"
          title="Post signal"
          onPress={() => post.mutate()}
          busy={post.isPending}
          testID="admin-signal-post"
        />
      </Row>
    </Card>
  );
}
