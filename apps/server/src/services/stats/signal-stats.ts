import { iso, type SignalStats, type SignalStatsQuery, type SourceSignalStats } from '@verzek/contract';
import { summarizeOutcomes, type OutcomeSummaryRow } from '@verzek/core';
import { signalOutcomeFacts, type Db, type SignalOutcomeFact } from '@verzek/db';
import { badRequest, notFound } from '../../errors';

const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** `from`: a day starts at 00:00 UTC. `to`: a day includes that whole day; a time is exclusive. */
function bound(value: string | undefined, end: boolean): number | undefined {
  if (value === undefined) return undefined;
  const at = Date.parse(DAY.test(value) ? `${value}T00:00:00Z` : value);
  return DAY.test(value) && end ? at + DAY_MS : at;
}

function row(f: SignalOutcomeFact): OutcomeSummaryRow {
  return { status: f.status, profit_pct: f.profit_pct };
}

/**
 * `GET /api/admin/signal-stats`: outcome counts and rates of the signals published in the window,
 * overall and per source (the rule: @verzek/core `observeOutcome`, docs/payments.md).
 */
export async function computeSignalStats(db: Db, q: SignalStatsQuery, now: number): Promise<SignalStats> {
  const from = bound(q.from, false);
  const to = bound(q.to, true);
  if (from !== undefined && to !== undefined && from >= to) {
    throw badRequest('invalid_range', '`from` must be before `to`');
  }
  if (q.source_id !== undefined) {
    const source = await db
      .selectFrom('signal_sources')
      .select('id')
      .where('id', '=', q.source_id)
      .executeTakeFirst();
    if (!source) throw notFound('Signal source');
  }
  const facts = await signalOutcomeFacts(db, { from, to, sourceId: q.source_id });
  const bySource = new Map<number, SignalOutcomeFact[]>();
  for (const f of facts) {
    const list = bySource.get(f.source_id);
    if (list) list.push(f);
    else bySource.set(f.source_id, [f]);
  }
  const sources: SourceSignalStats[] = [...bySource.entries()]
    .sort(([a], [b]) => a - b)
    .map(([sourceId, list]) => ({
      source_id: sourceId,
      name: list[0]!.source_name,
      kind: list[0]!.source_kind,
      ...summarizeOutcomes(list.map(row)),
    }));
  return {
    ...summarizeOutcomes(facts.map(row)),
    sources,
    from: from === undefined ? null : iso(from),
    to: to === undefined ? null : iso(to),
    source_id: q.source_id ?? null,
    generated_at: iso(now),
  };
}
