import type { ReactNode } from 'react';
import { StyleSheet, Text, type TextProps } from 'react-native';
import { colors } from '../lib/theme';

type Variant = 'title' | 'heading' | 'body' | 'muted' | 'small' | 'label';

export function T({
  variant = 'body',
  style,
  children,
  ...rest
}: TextProps & { variant?: Variant; children?: ReactNode }) {
  return (
    <Text style={[styles.base, styles[variant], style]} {...rest}>
      {children}
    </Text>
  );
}

const styles = StyleSheet.create({
  base: { color: colors.text, fontSize: 14 },
  title: { fontSize: 22, fontWeight: '700', color: colors.text },
  heading: { fontSize: 16, fontWeight: '700', color: colors.gold },
  body: {},
  muted: { color: colors.muted },
  small: { fontSize: 12, color: colors.muted },
  label: {
    fontSize: 12,
    fontWeight: '600',
    color: colors.muted,
    textTransform: 'uppercase',
    letterSpacing: 0.5,
  },
});
