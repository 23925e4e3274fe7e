import { PublicOnly } from '../src/components/public-only';
import { RegisterScreen } from '../src/screens/register';

export default function Route() {
  return (
    <PublicOnly>
      <RegisterScreen />
    </PublicOnly>
  );
}
