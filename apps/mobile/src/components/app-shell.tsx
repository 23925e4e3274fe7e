import { Link, usePathname } from 'expo-router';
import type { ReactNode } from 'react';
import { ScrollView, StyleSheet, useWindowDimensions, View } from 'react-native';
import { useSafeAreaInsets } from 'react-native-safe-area-context';
import { colors, space, wideBreakpoint } from '../lib/theme';
import { useLive } from '../state/live';
import { useSafetyWidget } from '../state/queries/safety';
import { isAdmin, useSession } from '../state/session';
import { Button } from './button';
import { Badge, Banner } from './layout';
import { T } from './text';

interface NavItem {
  href: string;
  label: string;
  testID: string;
}

export function navItems(admin: boolean): NavItem[] {
  const items: NavItem[] = [
    { href: '/dashboard', label: 'Dashboard', testID: 'nav-dashboard' },
    { href: '/feed', label: 'Signals', testID: 'nav-feed' },
    { href: '/positions', label: 'Positions', testID: 'nav-positions' },
    { href: '/trade', label: 'Auto-trade', testID: 'nav-trade' },
    { href: '/settings', label: 'Settings', testID: 'nav-settings' },
    { href: '/plans', label: 'Plans', testID: 'nav-plans' },
    { href: '/telegram', label: 'Telegram', testID: 'nav-telegram' },
    { href: '/onboarding', label: 'Get started', testID: 'nav-onboarding' },
    { href: '/faq', label: 'FAQ', testID: 'nav-faq' },
  ];
  if (admin) items.push({ href: '/admin', label: 'Admin', testID: 'nav-admin' });
  return items;
}

function NavLink({ item, active, vertical }: { item: NavItem; active: boolean; vertical: boolean }) {
  // A plain Link (an <a href> on the web) with a flat style: a Pressable's style function merged
  // through `asChild` breaks react-native-web's style handling.
  return (
    <Link
      href={item.href as never}
      testID={item.testID}
      accessibilityRole="link"
      accessibilityState={{ selected: active }}
      style={StyleSheet.flatten([
        styles.link,
        styles.linkText,
        vertical && styles.linkVertical,
        active && styles.linkActive,
        active && styles.linkTextActive,
      ])}
    >
      {item.label}
    </Link>
  );
}

/** The kill switch state for everyone: a badge, and a HALTED banner while it is on. */
export function SafetyBadge() {
  const { data } = useSafetyWidget();
  if (!data) return null;
  return data.kill_switch ? (
    <Badge text="HALTED" kind="bad" testID="safety-badge" />
  ) : (
    <Badge text={`Safe · DD ${Number(data.today_dd_pct).toFixed(1)}%`} kind="ok" testID="safety-badge" />
  );
}

export function HaltedBanner() {
  const { data } = useSafetyWidget();
  if (!data?.kill_switch) return null;
  return (
    <Banner
      kind="bad"
      testID="halted-banner"
      text="HALTED — the kill switch is on: no new trades are opened until an administrator turns it off."
    />
  );
}

function BlockBanner() {
  const { lastBlock, dismissBlock } = useLive();
  if (!lastBlock) return null;
  return (
    <Banner
      kind="warn"
      testID="risk-block-banner"
      text={`Trade blocked${lastBlock.symbol ? ` (${lastBlock.symbol})` : ''}: ${lastBlock.reason}`}
    >
      <View style={{ alignSelf: 'flex-start' }}>
        <Button compact kind="ghost" title="Dismiss" onPress={dismissBlock} testID="risk-block-dismiss" />
      </View>
    </Banner>
  );
}

/** The signed-in frame: navigation (a sidebar on wide screens, a bar on phones) and global banners. */
export function AppShell({ children }: { children: ReactNode }) {
  const { user, logout } = useSession();
  const { connected } = useLive();
  const { width } = useWindowDimensions();
  const insets = useSafeAreaInsets();
  const pathname = usePathname();
  const wide = width >= wideBreakpoint;
  const items = navItems(isAdmin(user));
  const active = (href: string) => pathname === href || pathname.startsWith(`${href}/`);

  const brand = (
    <View style={styles.brand}>
      <T style={styles.brandText}>Verzek</T>
      <SafetyBadge />
      <View
        accessibilityLabel={connected ? 'Live updates on' : 'Live updates off, refreshing periodically'}
        testID="live-indicator"
        style={[styles.dot, { backgroundColor: connected ? colors.success : colors.muted }]}
      />
    </View>
  );
  const account = (
    <View style={[styles.account, wide && { alignItems: 'stretch' }]}>
      <T variant="small" testID="account-name" numberOfLines={1}>
        {user?.username} · {user?.role === 'ADMIN' ? 'ADMIN' : user?.plan}
      </T>
      <Button compact kind="ghost" title="Log out" onPress={() => void logout()} testID="logout" />
    </View>
  );

  return (
    <View style={[styles.root, wide && styles.rootWide, { paddingTop: insets.top }]}>
      {wide ? (
        <View style={styles.sidebar} role="navigation" testID="nav">
          {brand}
          {items.map((i) => (
            <NavLink key={i.href} item={i} active={active(i.href)} vertical />
          ))}
          <View style={{ flex: 1 }} />
          {account}
        </View>
      ) : (
        <View style={styles.topbar}>
          <View style={styles.topRow}>
            {brand}
            {account}
          </View>
          <ScrollView horizontal showsHorizontalScrollIndicator={false} role="navigation" testID="nav">
            {items.map((i) => (
              <NavLink key={i.href} item={i} active={active(i.href)} vertical={false} />
            ))}
          </ScrollView>
        </View>
      )}
      <View style={styles.main}>
        <View style={styles.banners}>
          <HaltedBanner />
          <BlockBanner />
        </View>
        {children}
      </View>
    </View>
  );
}

const styles = StyleSheet.create({
  root: { flex: 1, backgroundColor: colors.bg },
  rootWide: { flexDirection: 'row' },
  sidebar: { width: 210, backgroundColor: colors.surface, padding: space.md, gap: 4 },
  topbar: { backgroundColor: colors.surface, paddingHorizontal: space.sm, paddingVertical: 6, gap: 6 },
  topRow: {
    flexDirection: 'row',
    alignItems: 'center',
    justifyContent: 'space-between',
    flexWrap: 'wrap',
    gap: 6,
  },
  brand: { flexDirection: 'row', alignItems: 'center', gap: 8, marginBottom: 6 },
  brandText: { color: colors.gold, fontWeight: '800', fontSize: 18 },
  dot: { width: 8, height: 8, borderRadius: 4 },
  account: { flexDirection: 'row', alignItems: 'center', gap: 8, flexWrap: 'wrap' },
  link: { paddingHorizontal: 10, paddingVertical: 8, borderRadius: 6 },
  linkVertical: { paddingVertical: 9 },
  linkActive: { backgroundColor: colors.primary },
  linkText: { color: colors.muted, fontWeight: '600' },
  linkTextActive: { color: colors.text },
  main: { flex: 1 },
  banners: { paddingHorizontal: space.md, paddingTop: space.sm, gap: space.sm },
});
