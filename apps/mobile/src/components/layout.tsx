import type { ReactNode } from 'react';
import { RefreshControl, ScrollView, StyleSheet, View, type ViewStyle } from 'react-native';
import { colors, maxContentWidth, radius, space } from '../lib/theme';
import { T } from './text';

/** A scrolling page with a centred column that stops growing on wide screens. */
export function Screen({
  title,
  children,
  testID,
  actions,
  refreshing,
  onRefresh,
}: {
  title?: string;
  children: ReactNode;
  testID: string;
  actions?: ReactNode;
  refreshing?: boolean;
  onRefresh?: () => void;
}) {
  return (
    <ScrollView
      style={styles.scroll}
      contentContainerStyle={styles.content}
      testID={testID}
      refreshControl={
        onRefresh ? <RefreshControl refreshing={!!refreshing} onRefresh={onRefresh} /> : undefined
      }
    >
      <View style={styles.column}>
        {title ? (
          <View style={styles.header}>
            <T variant="title" accessibilityRole="header">
              {title}
            </T>
            {actions ? <View style={styles.actions}>{actions}</View> : null}
          </View>
        ) : null}
        {children}
      </View>
    </ScrollView>
  );
}

export function Card({
  title,
  children,
  testID,
  style,
}: {
  title?: string;
  children: ReactNode;
  testID?: string;
  style?: ViewStyle;
}) {
  return (
    <View style={[styles.card, style]} testID={testID}>
      {title ? (
        <T variant="heading" accessibilityRole="header" style={styles.cardTitle}>
          {title}
        </T>
      ) : null}
      {children}
    </View>
  );
}

/** Children side by side, wrapping to rows on narrow screens. */
export function Row({
  children,
  gap = space.sm,
  style,
}: {
  children: ReactNode;
  gap?: number;
  style?: ViewStyle;
}) {
  return <View style={[styles.row, { gap }, style]}>{children}</View>;
}

export function Stat({
  label,
  value,
  tone,
  testID,
}: {
  label: string;
  value: string;
  tone?: 'up' | 'down' | 'flat';
  testID?: string;
}) {
  return (
    <View style={styles.stat}>
      <T variant="label">{label}</T>
      <T
        testID={testID}
        style={[
          styles.statValue,
          tone === 'up' && { color: colors.success },
          tone === 'down' && { color: colors.danger },
        ]}
      >
        {value}
      </T>
    </View>
  );
}

export function Badge({
  text,
  kind = 'info',
  testID,
}: {
  text: string;
  kind?: 'info' | 'ok' | 'warn' | 'bad';
  testID?: string;
}) {
  const bg = { info: colors.primary, ok: colors.success, warn: colors.gold, bad: colors.danger }[kind];
  return (
    <View style={[styles.badge, { backgroundColor: bg }]} testID={testID}>
      <T style={styles.badgeText}>{text}</T>
    </View>
  );
}

export function Banner({
  text,
  kind = 'warn',
  testID,
  children,
}: {
  text: string;
  kind?: 'warn' | 'bad' | 'info';
  testID?: string;
  children?: ReactNode;
}) {
  const border = { warn: colors.gold, bad: colors.danger, info: colors.primary }[kind];
  const background = { warn: '#3A3216', bad: '#3A1616', info: colors.surface }[kind];
  return (
    <View
      style={[styles.banner, { borderColor: border, backgroundColor: background }]}
      testID={testID}
      accessibilityRole="alert"
    >
      <T style={{ fontWeight: '700' }}>{text}</T>
      {children}
    </View>
  );
}

export function KV({ k, v, testID }: { k: string; v: string; testID?: string }) {
  return (
    <View style={styles.kv}>
      <T variant="muted">{k}</T>
      <T testID={testID} style={styles.kvValue}>
        {v}
      </T>
    </View>
  );
}

export function Empty({ text, testID }: { text: string; testID?: string }) {
  return (
    <T variant="muted" style={styles.empty} testID={testID}>
      {text}
    </T>
  );
}

export function ErrorText({ error, testID }: { error: string | null | undefined; testID?: string }) {
  if (!error) return null;
  return (
    <T testID={testID} style={styles.error} accessibilityRole="alert">
      {error}
    </T>
  );
}

const styles = StyleSheet.create({
  scroll: { flex: 1, backgroundColor: colors.bg },
  content: { padding: space.md, paddingBottom: 48 },
  column: { width: '100%', maxWidth: maxContentWidth, alignSelf: 'center', gap: space.md },
  header: {
    flexDirection: 'row',
    alignItems: 'center',
    justifyContent: 'space-between',
    flexWrap: 'wrap',
    gap: space.sm,
  },
  actions: { flexDirection: 'row', gap: space.sm, flexWrap: 'wrap' },
  card: {
    backgroundColor: colors.surfaceAlt,
    borderColor: colors.border,
    borderWidth: 1,
    borderRadius: radius,
    padding: space.md,
    gap: space.sm,
  },
  cardTitle: { marginBottom: 2 },
  row: { flexDirection: 'row', flexWrap: 'wrap', alignItems: 'center' },
  stat: { minWidth: 130, flexGrow: 1, flexBasis: 130, gap: 2 },
  statValue: { fontSize: 18, fontWeight: '700' },
  badge: { borderRadius: 999, paddingHorizontal: 8, paddingVertical: 2, alignSelf: 'flex-start' },
  badgeText: { color: colors.onGold, fontSize: 11, fontWeight: '800' },
  banner: {
    borderWidth: 2,
    borderRadius: radius,
    padding: space.md,
    backgroundColor: '#3A1616',
    gap: space.xs,
  },
  kv: { flexDirection: 'row', justifyContent: 'space-between', gap: space.sm, flexWrap: 'wrap' },
  kvValue: { fontWeight: '600', flexShrink: 1, textAlign: 'right' },
  empty: { paddingVertical: space.md, textAlign: 'center' },
  error: { color: colors.danger },
});
