import { StyleSheet, TextInput, View, type TextInputProps } from 'react-native';
import { colors, radius } from '../lib/theme';
import { T } from './text';

/** A labelled text input with its validation message (announced to screen readers). */
export function Field({
  label,
  error,
  hint,
  testID,
  ...input
}: TextInputProps & { label: string; error?: string | undefined; hint?: string; testID: string }) {
  return (
    <View style={styles.wrap}>
      <T variant="label" nativeID={`${testID}-label`}>
        {label}
      </T>
      <TextInput
        accessibilityLabel={label}
        aria-labelledby={`${testID}-label`}
        placeholderTextColor={colors.muted}
        autoCapitalize="none"
        autoCorrect={false}
        style={[styles.input, error ? styles.inputError : null]}
        testID={testID}
        {...input}
      />
      {error ? (
        <T
          testID={`${testID}-error`}
          style={styles.error}
          accessibilityRole="alert"
          accessibilityLiveRegion="polite"
        >
          {error}
        </T>
      ) : hint ? (
        <T variant="small">{hint}</T>
      ) : null}
    </View>
  );
}

const styles = StyleSheet.create({
  // minWidth + flexGrow: side by side in a Row, one per line on phones; no flexBasis (in a column it is a height).
  wrap: { gap: 4, marginBottom: 10, flexGrow: 1, minWidth: 160 },
  input: {
    backgroundColor: colors.bg,
    color: colors.text,
    borderColor: colors.border,
    borderWidth: 1,
    borderRadius: radius,
    paddingHorizontal: 10,
    paddingVertical: 8,
    fontSize: 14,
    minHeight: 40,
  },
  inputError: { borderColor: colors.danger },
  error: { color: colors.danger, fontSize: 12 },
});
