import { router } from 'expo-router';
import { Button } from '../src/components/button';
import { Screen } from '../src/components/layout';
import { T } from '../src/components/text';

export default function NotFound() {
  return (
    <Screen title="Not found" testID="screen-not-found">
      <T variant="muted">There is nothing at this address.</T>
      <Button title="Home" onPress={() => router.replace('/')} />
    </Screen>
  );
}
