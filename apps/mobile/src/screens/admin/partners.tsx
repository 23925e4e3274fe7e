import { CreatePartnerBody } from '@verzek/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '../../components/button';
import { Field } from '../../components/field';
import { Badge, Card, Empty, ErrorText, Row } from '../../components/layout';
import { T } from '../../components/text';
import { message } from '../../lib/errors';
import { validate, type FieldErrors } from '../../lib/form';
import { keys } from '../../state/queries/keys';
import { useSession } from '../../state/session';

export function AdminPartners() {
  const { api } = useSession();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: keys.admin('partners'), queryFn: () => api.admin.partners() });
  const [name, setName] = useState('');
  const [code, setCode] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const create = useMutation({
    mutationFn: async () => {
      const checked = validate(CreatePartnerBody, { name, code });
      if (!checked.ok) {
        setErrors(checked.errors);
        throw new Error('Fix the fields marked in red');
      }
      setErrors({});
      return api.admin.createPartner({ name, code });
    },
    onSuccess: async () => {
      setName('');
      setCode('');
      await qc.invalidateQueries({ queryKey: keys.admin('partners') });
    },
  });
  const toggle = useMutation({
    mutationFn: (p: { id: number; active: boolean }) => api.admin.updatePartner(p.id, { active: !p.active }),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.admin('partners') }),
  });
  return (
    <Card title="Partners" testID="admin-partners">
      {q.data?.items.length === 0 ? <Empty text="No partners yet." /> : null}
      {q.data?.items.map((p) => (
        <Row key={p.id} style={{ justifyContent: 'space-between' }}>
          <T>
            {p.name} · <T style={{ fontWeight: '800' }}>{p.code}</T> · {p.referrals} referred ·{' '}
            {p.credited_users} paid · {p.earned_usdt} USDT earned
          </T>
          <Row>
            <Badge text={p.active ? 'active' : 'inactive'} kind={p.active ? 'ok' : 'warn'} />
            <Button
              compact
              kind="ghost"
              title={p.active ? 'Deactivate' : 'Activate'}
              onPress={() => toggle.mutate(p)}
            />
          </Row>
        </Row>
      ))}
      <Row gap={8}>
        <Field
          label="Partner name"
          value={name}
          onChangeText={setName}
          error={errors.name}
          testID="admin-partner-name"
        />
        <Field
          label="Referral code"
          value={code}
          onChangeText={setCode}
          autoCapitalize="characters"
          error={errors.code}
          testID="admin-partner-code"
        />
      </Row>
      <ErrorText
        error={
          q.error
            ? message(q.error)
            : create.error
              ? message(create.error)
              : toggle.error
                ? message(toggle.error)
                : null
        }
      />
      <Row>
        <Button
          title="Add partner"
          onPress={() => create.mutate()}
          busy={create.isPending}
          testID="admin-partner-create"
        />
      </Row>
    </Card>
  );
}
