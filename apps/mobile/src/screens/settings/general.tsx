import { GeneralSettingsPatch } from '@verzek/contract';
import { useEffect, useState } from 'react';
import type { z } from 'zod';
import { Field } from '../../components/field';
import { Card, Empty } from '../../components/layout';
import { T } from '../../components/text';
import { Toggle } from '../../components/toggle';
import { validate, type FieldErrors } from '../../lib/form';
import { useGeneral, useSaveSettings } from '../../state/queries/settings';
import { useSession } from '../../state/session';
import { SaveBar } from './save-bar';

const notificationLabels = {
  new_signal: 'New signal',
  position_opened: 'Position opened',
  position_closed: 'Position closed (with PnL)',
  trade_blocked: 'Trade blocked (with the reason)',
  plan_expiring: 'Plan expiring',
} as const;
type Kind = keyof typeof notificationLabels;

export function GeneralSettingsForm() {
  const { api } = useSession();
  const q = useGeneral();
  const save = useSaveSettings('general', (id, body: z.input<typeof GeneralSettingsPatch>) =>
    api.settings.putGeneral(id, body),
  );
  const [name, setName] = useState('');
  const [tz, setTz] = useState('UTC');
  const [notes, setNotes] = useState<Record<Kind, boolean> | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  useEffect(() => {
    if (q.data) {
      setName(q.data.display_name);
      setTz(q.data.timezone);
      setNotes(q.data.notifications);
    }
  }, [q.data]);
  if (!q.data || !notes) return <Empty text="Loading…" />;
  const submit = () => {
    const body = { display_name: name, timezone: tz.trim(), notifications: notes };
    const checked = validate(GeneralSettingsPatch, body);
    if (!checked.ok) return setErrors(checked.errors);
    setErrors({});
    save.mutate(body);
  };
  return (
    <Card title="General" testID="settings-general">
      <Field
        label="Display name"
        value={name}
        onChangeText={setName}
        error={errors.display_name}
        testID="general-name"
      />
      <Field
        label="Time zone"
        value={tz}
        onChangeText={setTz}
        error={errors.timezone}
        hint="e.g. Europe/Berlin"
        testID="general-timezone"
      />
      <T variant="label">Notifications (push and in-app)</T>
      {(Object.keys(notificationLabels) as Kind[]).map((k) => (
        <Toggle
          key={k}
          label={notificationLabels[k]}
          value={notes[k]}
          onChange={(v) => setNotes({ ...notes, [k]: v })}
          testID={`general-notify-${k}`}
        />
      ))}
      <SaveBar
        onSave={submit}
        busy={save.isPending}
        error={save.error}
        saved={save.isSuccess}
        testID="general"
      />
    </Card>
  );
}
