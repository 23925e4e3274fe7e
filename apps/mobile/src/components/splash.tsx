import { ActivityIndicator, View } from 'react-native';
import { colors } from '../lib/theme';

export function Splash() {
  return (
    <View
      style={{ flex: 1, alignItems: 'center', justifyContent: 'center', backgroundColor: colors.bg }}
      testID="splash"
    >
      <ActivityIndicator color={colors.gold} />
    </View>
  );
}
