import { useQuery } from '@tanstack/react-query';
import { Card, ErrorText, Row, Stat } from '../../components/layout';
import { message } from '../../lib/errors';
import { fmtUsdt } from '../../lib/format';
import { keys } from '../../state/queries/keys';
import { useSession } from '../../state/session';

export function AdminOverview() {
  const { api } = useSession();
  const q = useQuery({
    queryKey: keys.admin('overview'),
    queryFn: () => api.admin.overview(),
    refetchInterval: 60_000,
  });
  const o = q.data;
  return (
    <Card title="Overview" testID="admin-overview">
      <ErrorText error={q.error ? message(q.error) : null} />
      {o ? (
        <Row gap={16}>
          <Stat label="Users" value={String(o.total_users)} testID="admin-total-users" />
          <Stat label="TRIAL" value={String(o.trial_users)} />
          <Stat label="VIP" value={String(o.vip_users)} />
          <Stat label="PREMIUM" value={String(o.premium_users)} testID="admin-premium-users" />
          <Stat label="Auto-traders" value={String(o.active_auto_traders)} />
          <Stat label="Signals sent" value={String(o.signals_sent)} testID="admin-signals-sent" />
          <Stat label="Open positions" value={String(o.open_positions)} testID="admin-open-positions" />
          <Stat label="Disabled" value={String(o.disabled_users)} />
          <Stat label="Payments" value={`${o.confirmed_payments} / ${o.total_payments}`} />
          <Stat label="Pending" value={String(o.pending_payments)} />
          <Stat label="Revenue" value={fmtUsdt(o.revenue_usdt)} />
          <Stat label="Partners" value={String(o.partners)} />
          <Stat label="Referral credits" value={fmtUsdt(o.referral_credits_usdt)} />
        </Row>
      ) : null}
    </Card>
  );
}
