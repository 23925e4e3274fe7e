import type { Signal } from '@verzek/contract';
import { router } from 'expo-router';
import { Pressable, StyleSheet } from 'react-native';
import { fmtAgo } from '../lib/format';
import { colors, radius } from '../lib/theme';
import { Badge, Row } from './layout';
import { T } from './text';

export function SignalCard({ signal: s }: { signal: Signal }) {
  return (
    <Pressable
      accessibilityRole="link"
      accessibilityLabel={`${s.symbol} ${s.direction} signal, ${s.status}`}
      onPress={() => router.push(`/signals/${s.id}`)}
      style={styles.card}
      testID={`signal-${s.id}`}
    >
      <Row style={{ justifyContent: 'space-between' }}>
        <T style={styles.symbol}>
          {s.symbol}{' '}
          <T style={{ color: s.direction === 'LONG' ? colors.success : colors.danger, fontWeight: '800' }}>
            {s.direction}
          </T>
          {s.leverage ? ` ×${s.leverage}` : ''}
        </T>
        <Badge
          text={s.status === 'OPEN' && s.highest_tp > 0 ? `TP${s.highest_tp}` : s.status}
          kind={s.status === 'CANCELLED' ? 'warn' : 'info'}
        />
      </Row>
      <T variant="muted">
        Entry {s.entries.join(' – ') || 'market'} · Targets {s.targets.join(' / ') || '—'} · Stop{' '}
        {s.stop_loss ?? '—'}
      </T>
      <T variant="small">
        {s.trade_type} · {fmtAgo(s.created_at)}
      </T>
    </Pressable>
  );
}

const styles = StyleSheet.create({
  card: {
    backgroundColor: colors.surfaceAlt,
    borderColor: colors.border,
    borderWidth: 1,
    borderRadius: radius,
    padding: 12,
    gap: 4,
  },
  symbol: { fontWeight: '800', fontSize: 16 },
});
