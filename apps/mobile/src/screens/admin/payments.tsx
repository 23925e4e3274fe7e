import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { View } from 'react-native';
import { Button } from '../../components/button';
import { Field } from '../../components/field';
import { Badge, Card, Empty, ErrorText, Row } from '../../components/layout';
import { Tabs } from '../../components/tabs';
import { T } from '../../components/text';
import { message } from '../../lib/errors';
import { fmtTime } from '../../lib/format';
import { colors } from '../../lib/theme';
import { keys } from '../../state/queries/keys';
import { useSession } from '../../state/session';

type Status = 'PENDING' | 'CONFIRMED' | 'REJECTED';

export function AdminPayments() {
  const { api } = useSession();
  const qc = useQueryClient();
  const [status, setStatus] = useState<Status>('PENDING');
  const [reason, setReason] = useState('');
  const q = useQuery({
    queryKey: keys.admin('payments', status),
    queryFn: () => api.admin.payments({ status, limit: 50 }),
  });
  const done = () => qc.invalidateQueries({ queryKey: ['admin'] });
  const verify = useMutation({
    mutationFn: (tx: string) => api.payments.verify({ tx_hash: tx }),
    onSuccess: done,
  });
  const reject = useMutation({
    mutationFn: (tx: string) =>
      api.payments.reject({ tx_hash: tx, reason: reason.trim() || 'rejected by an administrator' }),
    onSuccess: done,
  });
  return (
    <Card title="Payments" testID="admin-payments">
      <Tabs
        value={status}
        onChange={setStatus}
        options={[
          { key: 'PENDING', label: 'Pending' },
          { key: 'CONFIRMED', label: 'Confirmed' },
          { key: 'REJECTED', label: 'Rejected' },
        ]}
        testID="admin-payments-status"
      />
      {status === 'PENDING' ? (
        <Field
          label="Reason for a rejection"
          value={reason}
          onChangeText={setReason}
          testID="admin-payments-reason"
        />
      ) : null}
      <ErrorText
        error={
          q.error
            ? message(q.error)
            : verify.error
              ? message(verify.error)
              : reject.error
                ? message(reject.error)
                : null
        }
      />
      {q.data?.items.length === 0 ? <Empty text="Nothing here." /> : null}
      {q.data?.items.map((p) => (
        <View
          key={p.id}
          style={{ borderTopWidth: 1, borderColor: colors.border, paddingVertical: 8, gap: 4 }}
          testID={`admin-payment-${p.id}`}
        >
          <Row style={{ justifyContent: 'space-between' }}>
            <T style={{ fontWeight: '700' }}>
              {p.username ?? `user ${p.user_id}`} · {p.plan} · {p.amount_usdt} USDT
            </T>
            <Badge
              text={p.status}
              kind={p.status === 'CONFIRMED' ? 'ok' : p.status === 'REJECTED' ? 'bad' : 'warn'}
            />
          </Row>
          <T variant="small" selectable>
            {p.tx_hash} · {fmtTime(p.created_at)} · {p.checks} chain checks{p.reason ? ` · ${p.reason}` : ''}
          </T>
          {p.status === 'PENDING' ? (
            <Row>
              <Button
                compact
                kind="gold"
                title="Verify"
                onPress={() => verify.mutate(p.tx_hash)}
                testID={`admin-payment-${p.id}-verify`}
              />
              <Button
                compact
                kind="danger"
                title="Reject"
                onPress={() => reject.mutate(p.tx_hash)}
                testID={`admin-payment-${p.id}-reject`}
              />
            </Row>
          ) : null}
        </View>
      ))}
    </Card>
  );
}
