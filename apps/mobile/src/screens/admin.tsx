import { useLocalSearchParams } from 'expo-router';
import { useState } from 'react';
import { Screen } from '../components/layout';
import { Tabs } from '../components/tabs';
import { AdminApprovals } from './admin/approvals';
import { AdminOverview } from './admin/overview';
import { AdminPartners } from './admin/partners';
import { AdminPayments } from './admin/payments';
import { AdminKillSwitch } from './admin/safety';
import { AdminPostSignal, AdminSignalStats } from './admin/signals';
import { AdminUsers } from './admin/users';

const tabs = [
  { key: 'overview', label: 'Overview' },
  { key: 'users', label: 'Users' },
  { key: 'payments', label: 'Payments' },
  { key: 'signals', label: 'Signals' },
  { key: 'partners', label: 'Partners' },
  { key: 'safety', label: 'Kill switch' },
  { key: 'approvals', label: 'Approvals' },
] as const;
export type AdminTab = (typeof tabs)[number]['key'];

export function AdminScreen() {
  const params = useLocalSearchParams<{ tab?: string }>();
  const [tab, setTab] = useState<AdminTab>(tabs.find((t) => t.key === params.tab)?.key ?? 'overview');
  return (
    <Screen title="Admin" testID="screen-admin">
      <Tabs value={tab} onChange={setTab} options={tabs} testID="admin-tab" />
      {tab === 'overview' ? <AdminOverview /> : null}
      {tab === 'users' ? <AdminUsers /> : null}
      {tab === 'payments' ? <AdminPayments /> : null}
      {tab === 'signals' ? (
        <>
          <AdminSignalStats />
          <AdminPostSignal />
        </>
      ) : null}
      {tab === 'partners' ? <AdminPartners /> : null}
      {tab === 'safety' ? <AdminKillSwitch /> : null}
      {tab === 'approvals' ? <AdminApprovals /> : null}
    </Screen>
  );
}
