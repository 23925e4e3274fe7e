import { StrategySettingsPatch } from '@verzek/contract';
import { useEffect, useState } from 'react';
import type { z } from 'zod';
import { Field } from '../../components/field';
import { Card, Empty, Row } from '../../components/layout';
import { Tabs } from '../../components/tabs';
import { T } from '../../components/text';
import { Toggle } from '../../components/toggle';
import { list, num, validate, type FieldErrors } from '../../lib/form';
import { useSaveSettings, useStrategy } from '../../state/queries/settings';
import { canTrade, useSession, useUser } from '../../state/session';
import { SaveBar } from './save-bar';

export function StrategySettingsForm() {
  const { api } = useSession();
  const user = useUser();
  const q = useStrategy();
  const save = useSaveSettings('strategy', (id, body: z.input<typeof StrategySettingsPatch>) =>
    api.settings.putStrategy(id, body),
  );
  const [f, setF] = useState<Record<string, string> | null>(null);
  const [auto, setAuto] = useState(false);
  const [breakeven, setBreakeven] = useState<'off' | 'breakeven' | 'moving_target'>('breakeven');
  const [sizing, setSizing] = useState<'fixed' | 'risk'>('fixed');
  const [entryMode, setEntryMode] = useState<'market' | 'limit'>('market');
  const [futures, setFutures] = useState(true);
  const [spot, setSpot] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  useEffect(() => {
    const d = q.data;
    if (!d) return;
    setF({
      capital_usdt: d.capital_usdt,
      per_trade_usdt: d.per_trade_usdt,
      leverage: String(d.leverage),
      risk_per_trade_pct: String(d.risk_per_trade_pct),
      whitelist: d.symbol_whitelist.join(', '),
      blacklist: d.symbol_blacklist.join(', '),
      tp_split: d.tp_split_pct ? d.tp_split_pct.join(', ') : '',
    });
    setAuto(d.auto_trade_enabled);
    setBreakeven(d.breakeven_mode);
    setSizing(d.sizing_mode);
    setEntryMode(d.entry_mode);
    setFutures(d.trade_types.includes('FUTURES'));
    setSpot(d.trade_types.includes('SPOT'));
  }, [q.data]);
  if (!f) return <Empty text="Loading…" />;
  const set = (k: string) => (v: string) => setF({ ...f, [k]: v });
  const submit = () => {
    const split = list(f.tp_split ?? '');
    const body = {
      auto_trade_enabled: auto,
      capital_usdt: f.capital_usdt,
      per_trade_usdt: f.per_trade_usdt,
      leverage: num(f.leverage ?? ''),
      risk_per_trade_pct: num(f.risk_per_trade_pct ?? ''),
      symbol_whitelist: list(f.whitelist ?? ''),
      symbol_blacklist: list(f.blacklist ?? ''),
      tp_split_pct: split.length ? split.map(Number) : null,
      breakeven_mode: breakeven,
      sizing_mode: sizing,
      entry_mode: entryMode,
      trade_types: [...(futures ? ['FUTURES' as const] : []), ...(spot ? ['SPOT' as const] : [])],
    };
    const checked = validate(StrategySettingsPatch, body);
    if (!checked.ok) return setErrors(checked.errors);
    setErrors({});
    save.mutate(body);
  };
  return (
    <Card title="Strategy" testID="settings-strategy">
      <Toggle
        label="Auto-trade signals"
        value={auto}
        onChange={setAuto}
        disabled={!canTrade(user)}
        hint={canTrade(user) ? undefined : 'PREMIUM only'}
        testID="strategy-auto"
      />
      <Row gap={8}>
        <Field
          label="Capital (USDT)"
          value={f.capital_usdt}
          onChangeText={set('capital_usdt')}
          keyboardType="decimal-pad"
          error={errors.capital_usdt}
          testID="strategy-capital"
        />
        <Field
          label="Margin per trade (USDT)"
          value={f.per_trade_usdt}
          onChangeText={set('per_trade_usdt')}
          keyboardType="decimal-pad"
          error={errors.per_trade_usdt}
          testID="strategy-per-trade"
        />
        <Field
          label="Leverage"
          value={f.leverage}
          onChangeText={set('leverage')}
          keyboardType="number-pad"
          error={errors.leverage}
          testID="strategy-leverage"
        />
      </Row>
      <T variant="label">Position size</T>
      <Tabs
        value={sizing}
        onChange={setSizing}
        options={[
          { key: 'fixed', label: 'Fixed margin' },
          { key: 'risk', label: 'Risk % to stop' },
        ]}
        testID="strategy-sizing"
      />
      {sizing === 'risk' ? (
        <Field
          label="Risk per trade %"
          value={f.risk_per_trade_pct}
          onChangeText={set('risk_per_trade_pct')}
          keyboardType="decimal-pad"
          error={errors.risk_per_trade_pct}
          testID="strategy-risk-pct"
        />
      ) : null}
      <Field
        label="Take-profit split % (empty = equal)"
        value={f.tp_split}
        onChangeText={set('tp_split')}
        error={errors.tp_split_pct}
        hint="e.g. 50, 30, 20 — must add up to 100"
        testID="strategy-tp-split"
      />
      <T variant="label">After TP1, move the stop to</T>
      <Tabs
        value={breakeven}
        onChange={setBreakeven}
        options={[
          { key: 'off', label: 'Leave it' },
          { key: 'breakeven', label: 'Breakeven' },
          { key: 'moving_target', label: 'Previous target' },
        ]}
        testID="strategy-breakeven"
      />
      <T variant="label">Entry</T>
      <Tabs
        value={entryMode}
        onChange={setEntryMode}
        options={[
          { key: 'market', label: 'Market' },
          { key: 'limit', label: 'Limit at the signal price' },
        ]}
        testID="strategy-entry"
      />
      <Field
        label="Only these symbols (empty = all)"
        value={f.whitelist}
        onChangeText={set('whitelist')}
        autoCapitalize="characters"
        error={errors.symbol_whitelist}
        testID="strategy-whitelist"
      />
      <Field
        label="Never these symbols"
        value={f.blacklist}
        onChangeText={set('blacklist')}
        autoCapitalize="characters"
        error={errors.symbol_blacklist}
        testID="strategy-blacklist"
      />
      <Toggle label="Futures signals" value={futures} onChange={setFutures} testID="strategy-futures" />
      <Toggle label="Spot signals" value={spot} onChange={setSpot} testID="strategy-spot" />
      {errors.trade_types ? <T style={{ color: '#F25F5C' }}>{errors.trade_types}</T> : null}
      <SaveBar
        onSave={submit}
        busy={save.isPending}
        error={save.error}
        saved={save.isSuccess}
        testID="strategy"
      />
    </Card>
  );
}
