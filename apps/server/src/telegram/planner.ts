import {
  findSignal,
  markPlanned,
  plannedFloor,
  prunePlanned,
  pruneOutbox,
  pruneTelegramLinkCodes,
  insertOutbox,
  type Db,
  type PlannedKind,
} from '@verzek/db';
import type { Clock, Logger } from '@verzek/platform';
import { sql } from 'kysely';
import { Waker } from '../trading/waker';
import { planEvent, planNotification, signalRows } from './plan';
import type { TelegramSettings } from './settings';

const KINDS: readonly PlannedKind[] = ['signal', 'event', 'notification'];
const TABLE = { signal: 'signals', event: 'signal_events', notification: 'notifications' } as const;
const BATCH = 200;
const GAP_SCAN_MS = 5_000;

/**
 * Turns new signals, signal events and notifications into outbox rows. Each record is marked in
 * `telegram_planned` in the transaction that writes its rows, so it is planned exactly once however
 * often it is seen, by however many processes.
 *
 * Records are found by id above a floor, skipping marked ones. On PostgreSQL ids are not committed
 * in order (a transaction holding id 5 may commit after id 6 was planned), so the floor is the
 * highest id planned more than `planHorizonMs` ago: a record committed up to that long after a later
 * one was planned is still found. On the very first start the floor is the newest existing id, so
 * history is never broadcast.
 */
export class Planner {
  private readonly waker = new Waker();
  private running: Promise<void> | null = null;
  private stopped = false;
  private lastPrune = 0;
  /** Highest id planned by this planner, per kind: most passes only look above it. */
  private readonly highWater = new Map<PlannedKind, number>();
  private lastGapScan = 0;

  constructor(
    private readonly deps: {
      db: Db;
      clock: Clock;
      logger: Logger;
      settings: TelegramSettings;
      onPlanned: () => void;
    },
  ) {}

  start(): void {
    if (this.running) return;
    this.stopped = false;
    this.running = this.loop();
  }

  kick(): void {
    this.waker.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.waker.kick();
    await this.running;
    this.running = null;
  }

  /** One pass over every kind; the number of records planned. */
  async runOnce(): Promise<number> {
    let total = 0;
    // Every few seconds, look again from the floor for records that committed late (PostgreSQL).
    const gapScan = Date.now() - this.lastGapScan >= GAP_SCAN_MS;
    if (gapScan) this.lastGapScan = Date.now();
    for (const kind of KINDS) total += await this.planKind(kind, gapScan);
    const now = this.deps.clock.now();
    if (now - this.lastPrune > 3_600_000) {
      this.lastPrune = now;
      for (const kind of KINDS) await prunePlanned(this.deps.db, kind, now - 7 * 86_400_000);
      // Finished outbox rows are kept a month for inspection; what a signal became is kept for good.
      await pruneOutbox(this.deps.db, now - 30 * 86_400_000);
      await pruneTelegramLinkCodes(this.deps.db, now - 86_400_000);
    }
    return total;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let planned = 0;
      try {
        planned = await this.runOnce();
        if (planned > 0) this.deps.onPlanned();
      } catch (err) {
        this.deps.logger.error({ err }, 'telegram: planning failed; retrying');
      }
      if (planned < BATCH) await this.waker.sleep(this.deps.settings.idleMs);
    }
  }

  private async floor(kind: PlannedKind): Promise<number> {
    const { db, clock } = this.deps;
    const now = clock.now();
    const floor = await plannedFloor(db, kind, now - this.deps.settings.planHorizonMs);
    if (floor !== null) return floor;
    // First start: begin after what exists (a sentinel mark, dated long ago, remembers it).
    const row = await db
      .selectFrom(TABLE[kind])
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst();
    const start = Number(row?.id ?? 0);
    await db
      .insertInto('telegram_planned')
      .values({ kind, ref_id: start, created_at: 0 })
      .onConflict((oc) => oc.columns(['kind', 'ref_id']).doNothing())
      .execute();
    this.deps.logger.info({ kind, after: start }, 'telegram: planning starts after the existing records');
    return start;
  }

  private async planKind(kind: PlannedKind, gapScan: boolean): Promise<number> {
    const { db, clock, settings, logger } = this.deps;
    const high = this.highWater.get(kind);
    const floor = !gapScan && high !== undefined ? high : await this.floor(kind);
    const ids = await db
      .selectFrom(`${TABLE[kind]} as r` as 'signals as r')
      .select('r.id')
      .where('r.id', '>', floor)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('telegram_planned as p')
              .select(sql`1`.as('one'))
              .where('p.kind', '=', kind)
              .whereRef('p.ref_id', '=', 'r.id'),
          ),
        ),
      )
      .orderBy('r.id')
      .limit(BATCH)
      .execute();
    let planned = 0;
    for (const { id } of ids) {
      const now = clock.now();
      const done = await db.transaction().execute(async (trx) => {
        if (!(await markPlanned(trx, kind, id, now))) return false;
        if (kind === 'signal') {
          const signal = await findSignal(trx, id);
          if (signal) await insertOutbox(trx, signalRows(settings, signal, now));
        } else if (kind === 'event') {
          const event = await trx
            .selectFrom('signal_events')
            .selectAll()
            .where('id', '=', id)
            .executeTakeFirst();
          const signal = event ? await findSignal(trx, event.signal_id) : undefined;
          if (event && signal) {
            // The signal may have committed after this pass looked at signals: plan it first.
            if (
              signal.created_at >= now - settings.staleMs &&
              (await markPlanned(trx, 'signal', signal.id, now))
            ) {
              await insertOutbox(trx, signalRows(settings, signal, now));
            }
            await planEvent(trx, settings, event, signal, now, (msg, facts) => logger.info(facts, msg));
          }
        } else {
          const n = await trx.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirst();
          if (n) await planNotification(trx, settings, n, now);
        }
        return true;
      });
      if (done) planned += 1;
      this.highWater.set(kind, Math.max(this.highWater.get(kind) ?? 0, id));
    }
    if (high === undefined && ids.length === 0) this.highWater.set(kind, floor);
    return planned;
  }
}
