import { PublicOnly } from '../src/components/public-only';
import { WelcomeScreen } from '../src/screens/welcome';

export default function Route() {
  return (
    <PublicOnly>
      <WelcomeScreen />
    </PublicOnly>
  );
}
