import { Redirect, Slot } from 'expo-router';
import { AppShell } from '../../src/components/app-shell';
import { Splash } from '../../src/components/splash';
import { usePushRegistration } from '../../src/lib/push';
import { useSession } from '../../src/state/session';

function SignedIn() {
  usePushRegistration();
  return (
    <AppShell>
      <Slot />
    </AppShell>
  );
}

/** Everything here needs a session. */
export default function AppLayout() {
  const { status } = useSession();
  if (status === 'loading') return <Splash />;
  if (status === 'signed-out') return <Redirect href="/welcome" />;
  return <SignedIn />;
}
