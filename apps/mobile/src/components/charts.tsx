import type { DailyAggregate, SignalDetail } from '@verzek/contract';
import { useState } from 'react';
import { View } from 'react-native';
import { LineChart } from 'react-native-gifted-charts';
import type { z } from 'zod';
import { colors } from '../lib/theme';
import { Row } from './layout';
import { T } from './text';

type Daily = z.output<typeof DailyAggregate>;
type Detail = z.output<typeof SignalDetail>;

function useWidth(): [number, (w: number) => void] {
  const [width, setWidth] = useState(0);
  return [width, (w: number) => setWidth(Math.round(w))];
}

const axis = { color: colors.muted, fontSize: 10 };

/** Cumulative realized PnL per UTC day (from `/api/positions/history`). */
export function PnlChart({ daily }: { daily: Daily[] }) {
  const [width, setWidth] = useWidth();
  let total = 0;
  const points = daily.map((d) => {
    total += Number(d.realized_usdt);
    return { value: Math.round(total * 100) / 100, label: d.day.slice(8), trades: d.trades };
  });
  const traded = daily.some((d) => d.trades > 0);
  if (!traded)
    return (
      <T variant="muted" testID="pnl-chart-empty">
        No closed trades in this period yet.
      </T>
    );
  const spacing = width > 0 ? Math.max(8, (width - 60) / Math.max(points.length, 1)) : 20;
  const every = Math.ceil(points.length / 6);
  const axisY = yAxisFor(points.map((p) => p.value));
  return (
    <View
      onLayout={(e) => setWidth(e.nativeEvent.layout.width)}
      testID="pnl-chart"
      accessibilityLabel={`Cumulative PnL ${total.toFixed(2)} USDT`}
    >
      {width > 0 ? (
        <LineChart
          data={points.map((p, i) => ({
            value: p.value,
            // The library gives a label only the width of one point's spacing: ours is wider, centred.
            labelComponent: i % every === 0 ? () => <DayLabel day={p.label} spacing={spacing} /> : undefined,
          }))}
          width={width - 58}
          height={160}
          spacing={spacing}
          initialSpacing={14}
          color={colors.gold}
          thickness={2}
          hideDataPoints={points.length > 20}
          dataPointsColor={colors.gold}
          areaChart
          startFillColor={colors.primary}
          endFillColor={colors.bg}
          startOpacity={0.5}
          endOpacity={0.05}
          yAxisColor={colors.border}
          xAxisColor={colors.border}
          rulesColor={colors.surface}
          yAxisTextStyle={axis}
          yAxisLabelWidth={44}
          yAxisOffset={axisY.from}
          maxValue={axisY.to - axisY.from}
          stepValue={axisY.step}
          noOfSections={axisY.sections}
          roundToDigits={axisY.digits}
          disableScroll
        />
      ) : null}
      <T variant="small">Cumulative net PnL: {total.toFixed(2)} USDT</T>
    </View>
  );
}

/**
 * A y axis over zero and every value (losses included) in round steps (1, 2 or 5 × a power of ten),
 * with as many decimals as the step needs: a day's -0.03 USDT must not read "0.0" on every line.
 */
export function yAxisFor(values: number[]): {
  from: number;
  to: number;
  step: number;
  sections: number;
  digits: number;
} {
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values);
  const raw = (hi - lo || 1) / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  const step = (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * power;
  // (the 1e-9: -0.07 / 0.01 is -7.000000000000001 in floating point, not below -7)
  const from = Math.floor(lo / step + 1e-9) * step;
  const to = Math.max(Math.ceil(hi / step - 1e-9) * step, from + step) + 0; // + 0: never -0
  return {
    from,
    to,
    step,
    sections: Math.round((to - from) / step),
    digits: Math.max(0, -Math.floor(Math.log10(step) + 1e-9)),
  };
}

const DAY_LABEL_WIDTH = 24;

function DayLabel({ day, spacing }: { day: string; spacing: number }) {
  return (
    <View style={{ width: DAY_LABEL_WIDTH, marginLeft: (spacing - DAY_LABEL_WIDTH) / 2 }}>
      <T variant="small" style={{ ...axis, textAlign: 'center' }} numberOfLines={1}>
        {day}
      </T>
    </View>
  );
}

export interface PricePoint {
  at: string;
  price: number;
  label: string;
}

/**
 * What the signal's price did, from what the platform recorded: the entry, each target reached and
 * the stop or close, in time order; entry, targets and stop drawn as levels.
 */
export function signalPath(signal: Detail): PricePoint[] {
  const entries = signal.entries.map(Number).filter(Number.isFinite);
  const entry = entries.length ? entries.reduce((a, b) => a + b, 0) / entries.length : null;
  const points: PricePoint[] = [];
  if (entry !== null) points.push({ at: signal.created_at, price: entry, label: 'entry' });
  for (const e of signal.events) {
    const t = e.kind === 'TP_HIT' && e.target ? Number(signal.targets[e.target - 1]) : null;
    if (t !== null && Number.isFinite(t)) points.push({ at: e.created_at, price: t, label: `TP${e.target}` });
    if (e.kind === 'ALL_TP') {
      const last = Number(signal.targets[signal.targets.length - 1]);
      if (Number.isFinite(last)) points.push({ at: e.created_at, price: last, label: 'all TP' });
    }
    if (e.kind === 'SL_HIT' && signal.stop_loss)
      points.push({ at: e.created_at, price: Number(signal.stop_loss), label: 'SL' });
  }
  return points;
}

export function SignalChart({ signal }: { signal: Detail }) {
  const [width, setWidth] = useWidth();
  const path = signalPath(signal);
  const targets = signal.targets.map(Number).filter(Number.isFinite);
  const stop = signal.stop_loss === null ? null : Number(signal.stop_loss);
  const entry = path[0]?.price ?? null;
  const levels = [...targets, ...(stop === null ? [] : [stop]), ...(entry === null ? [] : [entry])];
  if (levels.length === 0) return null;
  const lo = Math.min(...levels);
  const hi = Math.max(...levels);
  const pad = (hi - lo) * 0.08 || hi * 0.01;
  const offset = lo - pad;
  const n = Math.max(path.length, 2);
  const flat = (v: number, color: string) => ({
    data: Array.from({ length: n }, () => ({ value: v, hideDataPoint: true })),
    color,
    thickness: 1,
    strokeDashArray: [4, 4],
  });
  const line = path.length >= 2 ? path : entry === null ? [] : [path[0]!, { ...path[0]!, label: 'now' }];
  const spacing = width > 0 ? Math.max(20, (width - 90) / (n - 1)) : 40;
  return (
    <View
      onLayout={(e) => setWidth(e.nativeEvent.layout.width)}
      testID="signal-chart"
      accessibilityLabel="Price path with entry, targets and stop"
    >
      {width > 0 ? (
        <LineChart
          dataSet={[
            ...targets.map((t) => flat(t, colors.success)),
            ...(stop === null ? [] : [flat(stop, colors.danger)]),
            ...(entry === null ? [] : [flat(entry, colors.primary)]),
            {
              data: line.map((p) => ({ value: p.price, label: p.label, dataPointText: '' })),
              color: colors.gold,
              thickness: 3,
            },
          ]}
          width={width - 70}
          height={180}
          spacing={spacing}
          initialSpacing={8}
          yAxisOffset={offset}
          maxValue={hi + pad - offset}
          noOfSections={4}
          yAxisLabelWidth={60}
          yAxisColor={colors.border}
          xAxisColor={colors.border}
          rulesColor={colors.surface}
          yAxisTextStyle={axis}
          xAxisLabelTextStyle={axis}
          dataPointsColor={colors.gold}
          disableScroll
        />
      ) : null}
      {entry === null ? (
        <T variant="small">Market entry: the signal carries no entry price, so only its levels are drawn.</T>
      ) : null}
      <Row gap={12}>
        <T variant="small" style={{ color: colors.primary }}>
          — entry
        </T>
        <T variant="small" style={{ color: colors.success }}>
          — targets
        </T>
        <T variant="small" style={{ color: colors.danger }}>
          — stop
        </T>
        <T variant="small" style={{ color: colors.gold }}>
          — what happened
        </T>
      </Row>
    </View>
  );
}
