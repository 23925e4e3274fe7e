import { PublicOnly } from '../src/components/public-only';
import { LoginScreen } from '../src/screens/login';

export default function Route() {
  return (
    <PublicOnly>
      <LoginScreen />
    </PublicOnly>
  );
}
