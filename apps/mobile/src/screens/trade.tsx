import { TradePreviewBody, type TradePreview } from '@verzek/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { router } from 'expo-router';
import { useState } from 'react';
import type { z } from 'zod';
import { Button } from '../components/button';
import { Field } from '../components/field';
import { Banner, Card, ErrorText, KV, Row, Screen } from '../components/layout';
import { Tabs } from '../components/tabs';
import { T } from '../components/text';
import { Toggle } from '../components/toggle';
import { message } from '../lib/errors';
import { list, validate, type FieldErrors } from '../lib/form';
import { fmtSigned, fmtUsdt } from '../lib/format';
import { colors } from '../lib/theme';
import type { StrategySettingsPatch } from '@verzek/contract';
import { useSaveSettings } from '../state/queries/settings';
import { canTrade, useSession, useUser, useFreshUser } from '../state/session';

type Preview = z.output<typeof TradePreview>;

/** PREMIUM: auto-trading on/off, and a manual trade with its preview (size, risk, PnL per target). */
export function TradeScreen() {
  useFreshUser();
  const user = useUser();
  const { api } = useSession();
  const qc = useQueryClient();
  const allowed = canTrade(user);
  const [symbol, setSymbol] = useState('BTCUSDT');
  const [direction, setDirection] = useState<'LONG' | 'SHORT'>('LONG');
  const [entry, setEntry] = useState('');
  const [sl, setSl] = useState('');
  const [tp, setTp] = useState('');
  const [leverage, setLeverage] = useState('');
  const [usdt, setUsdt] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [preview, setPreview] = useState<Preview | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const saveStrategy = useSaveSettings('strategy', (id, body: z.input<typeof StrategySettingsPatch>) =>
    api.settings.putStrategy(id, body),
  );

  const body = () => ({
    symbol: symbol.trim(),
    direction,
    ...(entry.trim() ? { entry: entry.trim() } : {}),
    ...(sl.trim() ? { sl: sl.trim() } : {}),
    ...(list(tp).length ? { tp: list(tp) } : {}),
    ...(leverage.trim() ? { leverage: Number(leverage) } : {}),
    ...(usdt.trim() ? { usdt: usdt.trim() } : {}),
  });

  const previewM = useMutation({
    mutationFn: async () => {
      setFailure(null);
      setDone(null);
      const checked = validate(TradePreviewBody, body());
      if (!checked.ok) {
        setErrors(checked.errors);
        throw new Error('Fix the fields marked in red');
      }
      setErrors({});
      return api.trading.preview(body());
    },
    onSuccess: setPreview,
    onError: (e) => setFailure(message(e)),
  });
  const executeM = useMutation({
    mutationFn: () => api.trading.execute({ ...body(), confirm: true, request_id: `app-${Date.now()}` }),
    onSuccess: async (r) => {
      setDone(`${r.message} — position #${r.position.id}`);
      setPreview(null);
      await qc.invalidateQueries({ queryKey: ['positions'] });
    },
    onError: (e) => setFailure(message(e)),
  });

  if (!allowed) {
    return (
      <Screen title="Auto-trade" testID="screen-trade">
        <Banner
          kind="info"
          text={`Auto-trading is a PREMIUM feature — you are on ${user.plan}.`}
          testID="trade-upgrade"
        >
          <T variant="muted">
            PREMIUM executes every signal on your own exchange account (paper by default) with its take-profit
            ladder, stop loss and your risk limits.
          </T>
          <Row>
            <Button
              kind="gold"
              title="Upgrade to PREMIUM"
              onPress={() => router.push('/plans')}
              testID="trade-upgrade-go"
            />
          </Row>
        </Banner>
        <Card title="Auto-trading">
          <Toggle
            label="Auto-trade every signal"
            value={false}
            onChange={() => undefined}
            disabled
            testID="trade-autotrade-toggle"
          />
          <T variant="small">Disabled on your plan.</T>
        </Card>
      </Screen>
    );
  }

  return (
    <Screen title="Auto-trade" testID="screen-trade">
      {!user.email_verified ? <Banner kind="warn" text="Verify your email before trading." /> : null}
      <Card title="Auto-trading">
        <Toggle
          label="Auto-trade every signal"
          hint="Each new signal opens a position on your exchange account, sized by your strategy and checked by your risk limits."
          value={user.auto_trade_enabled}
          onChange={(v) => saveStrategy.mutate({ auto_trade_enabled: v })}
          disabled={saveStrategy.isPending}
          testID="trade-autotrade-toggle"
        />
        <ErrorText
          error={saveStrategy.error ? message(saveStrategy.error) : null}
          testID="trade-autotrade-error"
        />
      </Card>
      <Card title="Manual trade">
        <Row gap={8}>
          <Field
            label="Symbol"
            value={symbol}
            onChangeText={setSymbol}
            autoCapitalize="characters"
            error={errors.symbol}
            testID="trade-symbol"
          />
          <Field
            label="Entry (empty = market)"
            value={entry}
            onChangeText={setEntry}
            keyboardType="decimal-pad"
            error={errors.entry}
            testID="trade-entry"
          />
        </Row>
        <Tabs
          value={direction}
          onChange={setDirection}
          options={[
            { key: 'LONG', label: 'Long' },
            { key: 'SHORT', label: 'Short' },
          ]}
          testID="trade-direction"
        />
        <Row gap={8}>
          <Field
            label="Stop loss"
            value={sl}
            onChangeText={setSl}
            keyboardType="decimal-pad"
            error={errors.sl}
            testID="trade-sl"
          />
          <Field
            label="Targets (comma separated)"
            value={tp}
            onChangeText={setTp}
            error={errors.tp}
            testID="trade-tp"
          />
        </Row>
        <Row gap={8}>
          <Field
            label="Leverage (empty = yours)"
            value={leverage}
            onChangeText={setLeverage}
            keyboardType="number-pad"
            error={errors.leverage}
            testID="trade-leverage"
          />
          <Field
            label="Margin USDT (empty = per trade)"
            value={usdt}
            onChangeText={setUsdt}
            keyboardType="decimal-pad"
            error={errors.usdt}
            testID="trade-usdt"
          />
        </Row>
        <ErrorText error={failure} testID="trade-failure" />
        {done ? (
          <T testID="trade-done" style={{ color: colors.success }}>
            {done}
          </T>
        ) : null}
        <Row>
          <Button
            title="Preview"
            onPress={() => previewM.mutate()}
            busy={previewM.isPending}
            testID="trade-preview"
          />
        </Row>
      </Card>
      {preview ? (
        <Card title="Preview" testID="trade-preview-result">
          {!preview.risk.allowed ? (
            <Banner
              kind="bad"
              text={`Blocked by the risk engine: ${preview.risk.reason}`}
              testID="trade-blocked"
            />
          ) : null}
          {preview.reasons.length > 0 && preview.risk.allowed ? (
            <Banner kind="warn" text={preview.reasons.join(' · ')} />
          ) : null}
          <KV k="Entry price" v={`${preview.entry_price} (${preview.price_source})`} />
          <KV k="Quantity" v={preview.qty ?? '—'} testID="preview-qty" />
          <KV
            k="Notional / margin"
            v={`${fmtUsdt(preview.notional_usdt)} / ${fmtUsdt(preview.margin_usdt)}`}
          />
          <KV k="Leverage" v={`×${preview.leverage}`} />
          <KV
            k="Risk to stop"
            v={`${fmtUsdt(preview.risk_usdt)}${preview.risk_pct_of_capital ? ` (${preview.risk_pct_of_capital}% of capital)` : ''}`}
            testID="preview-risk"
          />
          {preview.targets.map((t) => (
            <KV
              key={t.n}
              k={`TP${t.n} at ${t.price}`}
              v={`${fmtSigned(t.pnl_usdt)} USDT (${fmtSigned(t.pnl_pct, '%')})`}
              testID={`preview-tp-${t.n}`}
            />
          ))}
          <KV k="All targets" v={`${fmtSigned(preview.pnl_all_targets_usdt)} USDT`} />
          {!preview.execute.allowed ? (
            <Banner
              kind="warn"
              text={preview.execute.reason ?? 'You cannot execute trades'}
              testID="trade-execute-denied"
            />
          ) : null}
          <Row>
            <Button
              kind="gold"
              title="Execute"
              disabled={!preview.ok || !preview.execute.allowed}
              busy={executeM.isPending}
              onPress={() => executeM.mutate()}
              testID="trade-execute"
            />
          </Row>
        </Card>
      ) : null}
    </Screen>
  );
}
