import { RiskSettingsPatch } from '@verzek/contract';
import { useEffect, useState } from 'react';
import type { z } from 'zod';
import { Field } from '../../components/field';
import { Card, Empty, KV, Row } from '../../components/layout';
import { Tabs } from '../../components/tabs';
import { T } from '../../components/text';
import { num, validate, type FieldErrors } from '../../lib/form';
import { useRiskLimits } from '../../state/queries/safety';
import { useRisk, useSaveSettings } from '../../state/queries/settings';
import { useSession } from '../../state/session';
import { SaveBar } from './save-bar';

const fields = [
  ['max_concurrent_trades', 'Max open trades', 'at most 50'],
  ['max_daily_trades', 'Max trades per day', ''],
  ['daily_loss_limit_pct', 'Daily loss limit %', 'of capital'],
  ['max_account_exposure_pct', 'Max exposure %', 'of capital'],
  ['per_symbol_limit', 'Open trades per symbol', ''],
  ['cooldown_minutes_after_loss', 'Cooldown after a loss (min)', ''],
] as const;
type Key = (typeof fields)[number][0];

export function RiskSettingsForm() {
  const { api } = useSession();
  const q = useRisk();
  const limits = useRiskLimits();
  const save = useSaveSettings('risk', (id, body: z.input<typeof RiskSettingsPatch>) =>
    api.settings.putRisk(id, body),
  );
  const [form, setForm] = useState<Record<Key, string> | null>(null);
  const [policy, setPolicy] = useState<'block' | 'reduce'>('block');
  const [errors, setErrors] = useState<FieldErrors>({});
  useEffect(() => {
    if (q.data) {
      const d = q.data;
      setForm(Object.fromEntries(fields.map(([k]) => [k, String(d[k])])) as Record<Key, string>);
      setPolicy(d.exposure_policy);
    }
  }, [q.data]);
  if (!form) return <Empty text="Loading…" />;
  const submit = () => {
    const body = { ...Object.fromEntries(fields.map(([k]) => [k, num(form[k])])), exposure_policy: policy };
    const checked = validate(RiskSettingsPatch, body);
    if (!checked.ok) return setErrors(checked.errors);
    setErrors({});
    save.mutate(checked.data);
  };
  const cur = limits.data?.current;
  return (
    <Card title="Risk limits" testID="settings-risk">
      <T variant="muted">
        The risk engine checks every new trade against these; a blocked trade shows its reason.
      </T>
      <Row gap={8}>
        {fields.map(([k, label, hint]) => (
          <Field
            key={k}
            label={label}
            value={form[k]}
            onChangeText={(v) => setForm({ ...form, [k]: v })}
            keyboardType="decimal-pad"
            error={errors[k]}
            hint={hint || undefined}
            testID={`risk-${k}`}
          />
        ))}
      </Row>
      <T variant="label">When a trade would exceed the exposure cap</T>
      <Tabs
        value={policy}
        onChange={setPolicy}
        options={[
          { key: 'block', label: 'Block it' },
          { key: 'reduce', label: 'Reduce its size' },
        ]}
        testID="risk-policy"
      />
      {cur ? (
        <>
          <KV k="Open trades now" v={String(cur.open_trades)} />
          <KV k="Exposure now" v={`${cur.exposure_usdt} USDT (${cur.exposure_pct}%)`} />
          <KV k="Cooldown until" v={cur.cooldown_until ?? 'none'} />
        </>
      ) : null}
      <SaveBar
        onSave={submit}
        busy={save.isPending}
        error={save.error}
        saved={save.isSuccess}
        testID="risk"
      />
    </Card>
  );
}
