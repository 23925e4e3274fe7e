import { Redirect } from 'expo-router';
import { Splash } from '../src/components/splash';
import { useSession } from '../src/state/session';

export default function Index() {
  const { status } = useSession();
  if (status === 'loading') return <Splash />;
  return <Redirect href={status === 'signed-in' ? '/dashboard' : '/welcome'} />;
}
