import type { ParsedSignal } from '@verzek/core';
import {
  claimIngestKey,
  findSignal,
  findSignalBySourceMessage,
  insertIntents,
  insertRiskEvent,
  insertSignal,
  readSafety,
  type Db,
  type SignalRow,
  type SignalSourceRow,
} from '@verzek/db';
import type { EventBus } from '../../events/bus';
import type { TradingMetrics } from '../../metrics/server-metrics';
import { eligibleFollowers } from './followers';
import { signalView } from './signal-view';

export interface IngestSignalInput {
  source: SignalSourceRow;
  signal: ParsedSignal;
  tradeType: 'FUTURES' | 'SPOT';
  confidence: number | null;
  duration: 'SHORT' | 'LONG' | null;
  /** The source's id of the message or event; a second arrival is a duplicate. */
  sourceMessageId: string | null;
  raw: string;
  createdBy: number | null;
}

export type IngestSignalResult =
  | { status: 'created'; signal: SignalRow; queued: number; blocked: number; blockedReason: string | null }
  | { status: 'duplicate'; signal: SignalRow | null };

export interface IngestDeps {
  db: Db;
  now: number;
  bus: EventBus;
  /** Called after the commit, so workers in this process start at once. */
  onQueued?: () => void;
  /** Counts the kill switch's blocks (verzek_risk_blocks_total). */
  metrics?: TradingMetrics;
}

/**
 * Stores a validated signal and, in the same transaction, one execution intent per eligible
 * follower — so a crash can never store a signal without its fan-out, or the reverse. With the kill
 * switch on, the signal is stored and broadcast but no intent is written, and the answer says why.
 */
export async function ingestSignal(deps: IngestDeps, input: IngestSignalInput): Promise<IngestSignalResult> {
  const { db, now } = deps;
  const result = await db.transaction().execute(async (trx): Promise<IngestSignalResult> => {
    if (input.sourceMessageId !== null) {
      const fresh = await claimIngestKey(trx, input.source.id, `msg:${input.sourceMessageId}`, now);
      if (!fresh) {
        return {
          status: 'duplicate',
          signal: (await findSignalBySourceMessage(trx, input.source.id, input.sourceMessageId)) ?? null,
        };
      }
    }
    const s = input.signal;
    const id = await insertSignal(trx, {
      source_id: input.source.id,
      source_message_id: input.sourceMessageId,
      symbol: s.symbol,
      direction: s.direction,
      entry_type: s.entry_type,
      entries: JSON.stringify(s.entries),
      targets: JSON.stringify(s.targets),
      stop_loss: s.stop_loss,
      leverage: s.leverage,
      margin_mode: s.margin_mode,
      trade_type: input.tradeType,
      confidence: input.confidence,
      duration: input.duration,
      raw: input.raw.slice(0, 20_000),
      status: 'OPEN',
      highest_tp: 0,
      created_by: input.createdBy,
      created_at: now,
      updated_at: now,
      closed_at: null,
    });
    const signal = (await findSignal(trx, id))!;
    const followers = await eligibleFollowers(trx, signal, now);
    const safety = await readSafety(trx);
    if (safety.kill_switch === 1) {
      const reason = `Global kill switch is on${safety.reason ? ` (${safety.reason})` : ''}: no new trades are opened`;
      await insertRiskEvent(trx, {
        userId: null,
        signalId: id,
        code: 'kill_switch',
        reason,
        data: { followers: followers.length },
        now,
      });
      return { status: 'created', signal, queued: 0, blocked: followers.length, blockedReason: reason };
    }
    const queued = await insertIntents(trx, id, followers, now);
    return { status: 'created', signal, queued, blocked: 0, blockedReason: null };
  });
  if (result.status === 'created') {
    if (result.blockedReason !== null) deps.metrics?.riskBlock('kill_switch');
    deps.bus.publish({ type: 'signal', audience: { plan: 'VIP' }, data: signalView(result.signal) });
    if (result.queued > 0) deps.onQueued?.();
  }
  return result;
}
