import type { Position } from '@verzek/contract';
import { router } from 'expo-router';
import { Pressable, StyleSheet, View } from 'react-native';
import { fmtNum, fmtSigned, fmtTime, tone } from '../lib/format';
import { colors, radius } from '../lib/theme';
import { ConfirmButton } from './confirm';
import { Badge, KV, Row } from './layout';
import { T } from './text';

/** Filled dots for the take-profits reached so far. */
export function LadderProgress({ position }: { position: Position }) {
  if (position.ladder.length === 0) return null;
  return (
    <View
      style={styles.ladder}
      accessibilityLabel={`${position.highest_tp_reached} of ${position.ladder.length} targets reached`}
    >
      {position.ladder.map((r) => (
        <View
          key={r.n}
          style={[styles.rung, r.status === 'filled' || r.status === 'taken' ? styles.rungDone : null]}
        >
          <T
            variant="small"
            style={r.status === 'filled' || r.status === 'taken' ? { color: colors.onGold } : undefined}
          >
            TP{r.n}
          </T>
        </View>
      ))}
    </View>
  );
}

export function PositionCard({
  position: p,
  onClose,
  closing,
}: {
  position: Position;
  onClose?: (id: number) => void;
  closing?: boolean;
}) {
  const live = p.status === 'OPEN' || p.status === 'PARTIAL' || p.status === 'PENDING';
  const pnlTone = tone(p.realized_pnl_usdt);
  return (
    <View style={styles.card} testID={`position-${p.id}`}>
      <Row style={{ justifyContent: 'space-between' }}>
        <Pressable
          accessibilityRole="link"
          accessibilityLabel={`${p.symbol} ${p.direction}, open the signal`}
          onPress={() => (p.signal_id ? router.push(`/signals/${p.signal_id}`) : undefined)}
        >
          <T style={styles.symbol}>
            {p.symbol}{' '}
            <T style={{ color: p.direction === 'LONG' ? colors.success : colors.danger }}>{p.direction}</T> ×
            {p.leverage}
          </T>
        </Pressable>
        <Row>
          <Badge
            text={p.closing ? 'CLOSING' : p.status}
            kind={live ? 'info' : pnlTone === 'down' ? 'bad' : 'ok'}
            testID={`position-${p.id}-status`}
          />
          <T variant="small">{p.venue}</T>
        </Row>
      </Row>
      <KV k="Entry" v={p.avg_entry_price ?? p.entry.price ?? 'market'} />
      <KV
        k="Quantity"
        v={live ? `${p.remaining_qty} of ${p.filled_qty !== '0' ? p.filled_qty : p.qty}` : p.qty}
      />
      <KV k="Stop" v={p.stop_price ?? p.stop_loss ?? '—'} />
      <KV
        k="Realized PnL"
        v={`${fmtSigned(p.realized_pnl_usdt)} USDT${p.realized_pnl_pct ? ` (${fmtSigned(p.realized_pnl_pct, '%')})` : ''}`}
        testID={`position-${p.id}-pnl`}
      />
      {!live ? (
        <KV k="Closed" v={`${fmtTime(p.closed_at)}${p.close_reason ? ` · ${p.close_reason}` : ''}`} />
      ) : null}
      <LadderProgress position={p} />
      {live && onClose && !p.closing ? (
        <ConfirmButton
          title="Close"
          question={`Close ${p.symbol} at market?`}
          onConfirm={() => onClose(p.id)}
          busy={closing}
          testID={`position-${p.id}-close`}
        />
      ) : null}
      {live ? <T variant="small">Fees so far {fmtNum(p.fees_usdt, 4)} USDT</T> : null}
    </View>
  );
}

const styles = StyleSheet.create({
  card: {
    backgroundColor: colors.surfaceAlt,
    borderColor: colors.border,
    borderWidth: 1,
    borderRadius: radius,
    padding: 12,
    gap: 6,
    flexGrow: 1,
    flexBasis: 300,
  },
  symbol: { fontWeight: '800', fontSize: 16 },
  ladder: { flexDirection: 'row', gap: 4, flexWrap: 'wrap' },
  rung: {
    borderWidth: 1,
    borderColor: colors.gold,
    borderRadius: 4,
    paddingHorizontal: 6,
    paddingVertical: 1,
  },
  rungDone: { backgroundColor: colors.gold },
});
