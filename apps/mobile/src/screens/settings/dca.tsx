import { DcaSettingsPatch } from '@verzek/contract';
import { useEffect, useState } from 'react';
import type { z } from 'zod';
import { Field } from '../../components/field';
import { Card, Empty, Row } from '../../components/layout';
import { T } from '../../components/text';
import { Toggle } from '../../components/toggle';
import { num, validate, type FieldErrors } from '../../lib/form';
import { useDca, useSaveSettings } from '../../state/queries/settings';
import { useSession } from '../../state/session';
import { SaveBar } from './save-bar';

const fields = [
  ['safety_orders', 'Safety orders', '0 to 10'],
  ['price_deviation_pct', 'Price deviation %', 'from the entry to the first safety order'],
  ['step_scale', 'Step scale', 'each next deviation × this'],
  ['volume_scale', 'Volume scale', 'each next order × this'],
  ['base_order_pct', 'Base order %', 'of the trade placed at entry'],
] as const;
type Key = (typeof fields)[number][0];

export function DcaSettingsForm() {
  const { api } = useSession();
  const q = useDca();
  const save = useSaveSettings('dca', (id, body: z.input<typeof DcaSettingsPatch>) =>
    api.settings.putDca(id, body),
  );
  const [enabled, setEnabled] = useState(false);
  const [form, setForm] = useState<Record<Key, string> | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  useEffect(() => {
    const d = q.data;
    if (!d) return;
    setEnabled(d.enabled);
    setForm(Object.fromEntries(fields.map(([k]) => [k, String(d[k])])) as Record<Key, string>);
  }, [q.data]);
  if (!form) return <Empty text="Loading…" />;
  const submit = () => {
    const body = { enabled, ...Object.fromEntries(fields.map(([k]) => [k, num(form[k])])) };
    const checked = validate(DcaSettingsPatch, body);
    if (!checked.ok) return setErrors(checked.errors);
    setErrors({});
    save.mutate(checked.data);
  };
  return (
    <Card title="DCA" testID="settings-dca">
      <T variant="muted">
        A base order at entry plus safety orders further away; the take-profits follow the average entry.
      </T>
      <Toggle label="Use DCA" value={enabled} onChange={setEnabled} testID="dca-enabled" />
      <Row gap={8}>
        {fields.map(([k, label, hint]) => (
          <Field
            key={k}
            label={label}
            value={form[k]}
            onChangeText={(v) => setForm({ ...form, [k]: v })}
            keyboardType="decimal-pad"
            error={errors[k]}
            hint={hint}
            testID={`dca-${k}`}
          />
        ))}
      </Row>
      <SaveBar onSave={submit} busy={save.isPending} error={save.error} saved={save.isSuccess} testID="dca" />
    </Card>
  );
}
