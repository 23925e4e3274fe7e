import { Redirect } from 'expo-router';
import { AdminScreen } from '../../src/screens/admin';
import { isAdmin, useSession } from '../../src/state/session';

export default function AdminRoute() {
  const { user } = useSession();
  if (!isAdmin(user)) return <Redirect href="/dashboard" />;
  return <AdminScreen />;
}
