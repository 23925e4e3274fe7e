import { Pressable, StyleSheet, View } from 'react-native';
import { colors, radius } from '../lib/theme';
import { T } from './text';

/** A segmented control: one of a few views of the same screen. */
export function Tabs<K extends string>({
  value,
  options,
  onChange,
  testID,
}: {
  value: K;
  options: readonly { key: K; label: string }[];
  onChange: (k: K) => void;
  testID: string;
}) {
  return (
    <View style={styles.row} accessibilityRole="tablist" testID={testID}>
      {options.map((o) => (
        <Pressable
          key={o.key}
          accessibilityRole="tab"
          accessibilityState={{ selected: o.key === value }}
          onPress={() => onChange(o.key)}
          testID={`${testID}-${o.key}`}
          style={[styles.tab, o.key === value && styles.active]}
        >
          <T style={o.key === value ? styles.activeText : undefined}>{o.label}</T>
        </Pressable>
      ))}
    </View>
  );
}

const styles = StyleSheet.create({
  row: { flexDirection: 'row', flexWrap: 'wrap', gap: 6 },
  tab: {
    paddingHorizontal: 12,
    paddingVertical: 6,
    borderRadius: radius,
    borderWidth: 1,
    borderColor: colors.border,
  },
  active: { backgroundColor: colors.gold, borderColor: colors.gold },
  activeText: { color: colors.onGold, fontWeight: '700' },
});
