import { ActivityIndicator, Pressable, StyleSheet, Text } from 'react-native';
import { colors, radius } from '../lib/theme';

type Kind = 'primary' | 'gold' | 'ghost' | 'danger';

export function Button({
  title,
  onPress,
  kind = 'primary',
  disabled,
  busy,
  testID,
  accessibilityLabel,
  compact,
}: {
  title: string;
  onPress: () => void;
  kind?: Kind;
  disabled?: boolean;
  busy?: boolean;
  testID?: string;
  accessibilityLabel?: string;
  compact?: boolean;
}) {
  const off = disabled || busy;
  return (
    <Pressable
      accessibilityRole="button"
      accessibilityLabel={accessibilityLabel ?? title}
      accessibilityState={{ disabled: !!off, busy: !!busy }}
      disabled={off}
      onPress={onPress}
      testID={testID}
      style={({ pressed }) => [
        styles.base,
        compact && styles.compact,
        styles[kind],
        off && styles.disabled,
        pressed && !off && styles.pressed,
      ]}
    >
      {busy ? (
        <ActivityIndicator color={kind === 'gold' ? colors.onGold : colors.text} size="small" />
      ) : (
        <Text style={[styles.text, kind === 'gold' && styles.goldText]}>{title}</Text>
      )}
    </Pressable>
  );
}

const styles = StyleSheet.create({
  base: {
    minHeight: 40,
    paddingHorizontal: 14,
    paddingVertical: 8,
    borderRadius: radius,
    alignItems: 'center',
    justifyContent: 'center',
    borderWidth: 1,
    borderColor: 'transparent',
  },
  compact: { minHeight: 32, paddingHorizontal: 10, paddingVertical: 4 },
  primary: { backgroundColor: colors.primary },
  gold: { backgroundColor: colors.gold },
  ghost: { backgroundColor: 'transparent', borderColor: colors.border },
  danger: { backgroundColor: colors.danger },
  disabled: { opacity: 0.45 },
  pressed: { opacity: 0.8 },
  text: { color: colors.text, fontWeight: '700', fontSize: 14 },
  goldText: { color: colors.onGold },
});
