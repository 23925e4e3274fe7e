import type { AdminUser, Plan } from '@verzek/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { View } from 'react-native';
import { Button } from '../../components/button';
import { ConfirmButton } from '../../components/confirm';
import { Field } from '../../components/field';
import { Badge, Card, Empty, ErrorText, Row } from '../../components/layout';
import { T } from '../../components/text';
import { message } from '../../lib/errors';
import { fmtTime } from '../../lib/format';
import { colors } from '../../lib/theme';
import { keys } from '../../state/queries/keys';
import { useSession } from '../../state/session';

const plans: Plan[] = ['TRIAL', 'VIP', 'PREMIUM'];

function UserRow({ u }: { u: AdminUser }) {
  const { api } = useSession();
  const qc = useQueryClient();
  const done = () => qc.invalidateQueries({ queryKey: ['admin'] });
  const setPlan = useMutation({
    mutationFn: (plan: Plan) =>
      api.settings.putSubscription(u.id, {
        plan,
        expires_at: plan === 'TRIAL' ? null : new Date(Date.now() + 30 * 86_400_000).toISOString(),
      }),
    onSuccess: done,
  });
  const verify = useMutation({ mutationFn: () => api.admin.verifyUserEmail(u.id), onSuccess: done });
  const toggle = useMutation({
    mutationFn: () => (u.disabled ? api.admin.enableUser(u.id) : api.admin.disableUser(u.id)),
    onSuccess: done,
  });
  const err = setPlan.error ?? verify.error ?? toggle.error;
  return (
    <View
      style={{ borderTopWidth: 1, borderColor: colors.border, paddingVertical: 8, gap: 4 }}
      testID={`admin-user-${u.email}`}
    >
      <Row style={{ justifyContent: 'space-between' }}>
        <T style={{ fontWeight: '700' }}>
          {u.username} <T variant="muted">{u.email}</T>
        </T>
        <Row>
          <Badge text={u.role === 'ADMIN' ? 'ADMIN' : u.plan} testID={`admin-user-${u.email}-plan`} />
          {u.disabled ? <Badge text="disabled" kind="bad" /> : null}
          {!u.email_verified ? <Badge text="unverified" kind="warn" /> : null}
        </Row>
      </Row>
      <T variant="small">
        joined {fmtTime(u.created_at)}
        {u.plan_expires_at ? ` · plan until ${fmtTime(u.plan_expires_at)}` : ''}
        {u.referral_code ? ` · ref ${u.referral_code}` : ''}
      </T>
      <Row>
        {plans
          .filter((p) => p !== u.plan)
          .map((p) => (
            <Button
              key={p}
              compact
              kind={p === 'PREMIUM' ? 'gold' : 'ghost'}
              title={`→ ${p}`}
              busy={setPlan.isPending && setPlan.variables === p}
              onPress={() => setPlan.mutate(p)}
              testID={`admin-user-${u.email}-to-${p}`}
            />
          ))}
        {!u.email_verified ? (
          <Button
            compact
            kind="ghost"
            title="Mark verified"
            onPress={() => verify.mutate()}
            testID={`admin-user-${u.email}-verify`}
          />
        ) : null}
        {u.role !== 'ADMIN' ? (
          <ConfirmButton
            title={u.disabled ? 'Enable' : 'Disable'}
            kind={u.disabled ? 'primary' : 'danger'}
            question={u.disabled ? 'Enable this account?' : 'Disable this account and end its sessions?'}
            onConfirm={() => toggle.mutate()}
            testID={`admin-user-${u.email}-toggle`}
          />
        ) : null}
      </Row>
      <ErrorText error={err ? message(err) : null} />
    </View>
  );
}

export function AdminUsers() {
  const { api } = useSession();
  const [search, setSearch] = useState('');
  const q = useQuery({
    queryKey: keys.admin('users', search),
    queryFn: () => api.admin.users({ search: search || undefined, limit: 50 }),
  });
  return (
    <Card title="Users" testID="admin-users">
      <Field
        label="Search (name or email)"
        value={search}
        onChangeText={setSearch}
        testID="admin-users-search"
      />
      <ErrorText error={q.error ? message(q.error) : null} />
      {q.data?.items.length === 0 ? <Empty text="No users match." /> : null}
      {q.data?.items.map((u) => (
        <UserRow key={u.id} u={u} />
      ))}
      {q.data ? <T variant="small">{q.data.total} users</T> : null}
    </Card>
  );
}
