import { StyleSheet, Switch, View } from 'react-native';
import { colors } from '../lib/theme';
import { T } from './text';

export function Toggle({
  label,
  value,
  onChange,
  testID,
  disabled,
  hint,
}: {
  label: string;
  value: boolean;
  onChange: (v: boolean) => void;
  testID: string;
  disabled?: boolean;
  hint?: string;
}) {
  return (
    <View style={styles.row}>
      <View style={{ flex: 1 }}>
        <T>{label}</T>
        {hint ? <T variant="small">{hint}</T> : null}
      </View>
      <Switch
        accessibilityLabel={label}
        value={value}
        onValueChange={onChange}
        disabled={disabled}
        accessibilityState={{ disabled: !!disabled, checked: value }}
        testID={testID}
        trackColor={{ true: colors.primary, false: colors.border }}
        thumbColor={value ? colors.gold : colors.muted}
      />
    </View>
  );
}

const styles = StyleSheet.create({
  row: { flexDirection: 'row', alignItems: 'center', gap: 12, paddingVertical: 4 },
});
