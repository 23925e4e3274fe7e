import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { View } from 'react-native';
import { Button } from '../../components/button';
import { Banner, Card, Empty, ErrorText, Row } from '../../components/layout';
import { T } from '../../components/text';
import { code, message } from '../../lib/errors';
import { fmtTime } from '../../lib/format';
import { colors } from '../../lib/theme';
import { keys } from '../../state/queries/keys';
import { useSession } from '../../state/session';

/** Telegram messages the parser was unsure about, waiting for an administrator. */
export function AdminApprovals() {
  const { api } = useSession();
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: keys.admin('approvals'),
    queryFn: () => api.admin.approvals({ status: 'PENDING', limit: 50 }),
    retry: false,
  });
  const done = () => qc.invalidateQueries({ queryKey: keys.admin('approvals') });
  const approve = useMutation({ mutationFn: (id: number) => api.admin.approve(id), onSuccess: done });
  const reject = useMutation({ mutationFn: (id: number) => api.admin.rejectApproval(id), onSuccess: done });
  const missing =
    q.error && (code(q.error) === 'not_found' || (q.error as { status?: number }).status === 404);
  return (
    <Card title="Approval queue" testID="admin-approvals">
      {missing ? (
        <Banner
          kind="info"
          text="The approval queue comes with Telegram ingestion (/api/admin/approvals), not on this server yet."
          testID="admin-approvals-placeholder"
        />
      ) : (
        <ErrorText
          error={
            q.error
              ? message(q.error)
              : approve.error
                ? message(approve.error)
                : reject.error
                  ? message(reject.error)
                  : null
          }
        />
      )}
      {q.data?.items.length === 0 ? <Empty text="Nothing waiting." testID="admin-approvals-empty" /> : null}
      {q.data?.items.map((a) => (
        <View
          key={a.id}
          style={{ borderTopWidth: 1, borderColor: colors.border, paddingVertical: 8, gap: 4 }}
        >
          <T variant="small">
            {a.kind} · confidence {Math.round(a.confidence * 100)}% · {a.reason} · {fmtTime(a.created_at)}
          </T>
          <T selectable style={{ fontFamily: 'monospace' }}>
            {a.text}
          </T>
          <Row>
            <Button compact kind="gold" title="Approve" onPress={() => approve.mutate(a.id)} />
            <Button compact kind="danger" title="Reject" onPress={() => reject.mutate(a.id)} />
          </Row>
        </View>
      ))}
    </Card>
  );
}
