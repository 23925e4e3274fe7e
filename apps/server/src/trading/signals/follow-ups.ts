import { validateSignal, type PositionEvent } from '@verzek/core';
import {
  claimIngestKey,
  enqueueForSignal,
  findSignal,
  insertSignalEvent,
  type Db,
  type SignalEventKind,
  type SignalRow,
} from '@verzek/db';
import type { EventBus } from '../../events/bus';

export interface FollowUpInput {
  signal: SignalRow;
  kind: SignalEventKind;
  /** TP_HIT: the target number. */
  target: number | null;
  /** EDIT: the new targets and/or stop. */
  edit?: { targets?: string[] | null; stop_loss?: string | null };
  /** The source's id of the message; a second arrival is a duplicate. */
  dedupKey: string | null;
  sourceId: number;
}

export type FollowUpResult =
  | { status: 'applied'; eventId: number; positions: number; signal: SignalRow }
  | { status: 'duplicate' }
  | { status: 'rejected'; reason: string };

/** What a follow-up means for every follower's position. */
function positionEvent(input: FollowUpInput, at: number): PositionEvent {
  switch (input.kind) {
    case 'TP_HIT':
      return { type: 'signal_tp_hit', n: input.target ?? 1, at };
    case 'ALL_TP':
      return { type: 'signal_all_tp', at };
    case 'SL_HIT':
      return { type: 'signal_sl_hit', at };
    case 'CANCELLED':
      return { type: 'signal_cancelled', at };
    case 'CLOSED':
      return { type: 'signal_closed', at };
    case 'ENTRY_FILLED':
      return { type: 'signal_entry_filled', at };
    case 'EDIT':
      return {
        type: 'signal_edit',
        targets: input.edit?.targets ?? null,
        stop_loss: input.edit?.stop_loss ?? null,
        at,
      };
  }
}

/**
 * Records a follow-up and queues it, in the same transaction, for every live position of the
 * signal. The signal itself moves too: TP progress, closed or cancelled, or edited targets/stop
 * (validated against its entries like a new signal).
 */
export async function applyFollowUp(
  deps: { db: Db; now: number; bus: EventBus; onQueued?: () => void },
  input: FollowUpInput,
): Promise<FollowUpResult> {
  const { db, now } = deps;
  const s = input.signal;
  if (input.kind === 'TP_HIT') {
    const targets = JSON.parse(s.targets) as string[];
    if (input.target === null || input.target < 1 || input.target > targets.length) {
      return { status: 'rejected', reason: `TP_HIT needs a target between 1 and ${targets.length}` };
    }
  }
  let edited: { targets: string[]; stop_loss: string | null } | null = null;
  if (input.kind === 'EDIT') {
    const targets = input.edit?.targets ?? (JSON.parse(s.targets) as string[]);
    const stop =
      input.edit?.stop_loss !== undefined
        ? input.edit.stop_loss
        : s.stop_loss === null
          ? null
          : String(s.stop_loss);
    const check = validateSignal({
      symbol: s.symbol,
      direction: s.direction,
      entries: JSON.parse(s.entries) as string[],
      entry_type: s.entry_type,
      targets,
      stop_loss: stop,
      leverage: s.leverage,
      margin_mode: s.margin_mode,
    });
    if (!check.ok) return { status: 'rejected', reason: check.reason };
    edited = { targets: check.signal.targets, stop_loss: check.signal.stop_loss };
  }
  const result = await db.transaction().execute(async (trx): Promise<FollowUpResult> => {
    if (
      input.dedupKey !== null &&
      !(await claimIngestKey(trx, input.sourceId, `evt:${input.dedupKey}`, now))
    ) {
      return { status: 'duplicate' };
    }
    const eventId = await insertSignalEvent(trx, {
      signalId: s.id,
      kind: input.kind,
      target: input.target,
      data: edited ?? {},
      now,
    });
    const patch: Record<string, unknown> = { updated_at: now };
    if (input.kind === 'TP_HIT') patch.highest_tp = Math.max(s.highest_tp, input.target ?? 0);
    if (input.kind === 'ALL_TP') patch.highest_tp = (JSON.parse(s.targets) as string[]).length;
    if (input.kind === 'ALL_TP' || input.kind === 'SL_HIT' || input.kind === 'CLOSED') {
      Object.assign(patch, { status: 'CLOSED', closed_at: now });
    }
    if (input.kind === 'CANCELLED') Object.assign(patch, { status: 'CANCELLED', closed_at: now });
    if (edited)
      Object.assign(patch, { targets: JSON.stringify(edited.targets), stop_loss: edited.stop_loss });
    await trx.updateTable('signals').set(patch).where('id', '=', s.id).execute();
    const event = positionEvent({ ...input, edit: edited ?? undefined }, now);
    const reached = await enqueueForSignal(trx, {
      signalId: s.id,
      event,
      dedupKey: `signal-event:${eventId}`,
      now,
    });
    return { status: 'applied', eventId, positions: reached.length, signal: (await findSignal(trx, s.id))! };
  });
  if (result.status === 'applied') {
    deps.bus.publish({
      type: 'signal_event',
      audience: { plan: 'VIP' },
      data: { signal_id: s.id, kind: input.kind, target: input.target, positions: result.positions },
    });
    if (result.positions > 0) deps.onQueued?.();
  }
  return result;
}
