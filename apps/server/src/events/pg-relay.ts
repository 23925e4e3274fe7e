import { randomBytes } from 'node:crypto';
import type { Logger } from '@verzek/platform';
import pg from 'pg';
import type { EventBus, LiveEvent } from './bus';

const CHANNEL = 'verzek_events';
/** NOTIFY payloads must stay under 8000 bytes. */
const MAX_PAYLOAD = 7900;
/** Messages waiting while the database is slow; past this, the oldest are dropped (best effort). */
const MAX_PENDING = 10_000;

type Message = { o: string; e?: LiveEvent; k?: 1 };

/**
 * Carries live events and "work queued" nudges between processes through PostgreSQL
 * LISTEN/NOTIFY: no extra service to run, and every process already has the database. Delivery is
 * best effort (a process that is reconnecting misses events; clients also poll), which is what
 * live updates need — the database stays the source of truth.
 */
export class PgEventRelay {
  private readonly origin = randomBytes(6).toString('hex');
  private client: pg.Client | null = null;
  private stopped = false;
  private retryMs = 500;
  private timer: NodeJS.Timeout | null = null;
  /** Payloads not yet sent; one query at a time sends all of them (in order), never overlapping. */
  private pending: string[] = [];
  private flushing = false;

  constructor(
    private readonly options: {
      url: string;
      bus: EventBus;
      logger: Logger;
      /** Called when another process queued work (signals, follow-ups) this process's workers should see now. */
      onWork?: () => void;
    },
  ) {}

  async start(): Promise<void> {
    this.options.bus.attachRelay((event) => this.send({ o: this.origin, e: event }));
    await this.connect();
  }

  /** Tells every other process that work was queued. */
  nudge(): void {
    this.send({ o: this.origin, k: 1 });
  }

  private send(message: Message): void {
    const payload = JSON.stringify(message);
    if (Buffer.byteLength(payload) > MAX_PAYLOAD) {
      this.options.logger.warn(
        { type: message.e?.type, bytes: payload.length },
        'live event too large to relay',
      );
      return;
    }
    if (!this.client) return;
    if (this.pending.length >= MAX_PENDING) this.pending.shift();
    this.pending.push(payload);
    if (!this.flushing) void this.flush();
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length > 0 && this.client) {
        const batch = this.pending;
        this.pending = [];
        await this.client
          .query('select pg_notify($1, p) from unnest($2::text[]) as t(p)', [CHANNEL, batch])
          .catch((err: unknown) => {
            this.options.logger.warn(
              { err: err instanceof Error ? err.message : String(err), events: batch.length },
              'relaying live events failed',
            );
          });
      }
    } finally {
      this.flushing = false;
    }
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.options.url });
    client.on('notification', (n) => this.receive(n.payload));
    client.on('error', () => this.reconnect(client));
    client.on('end', () => this.reconnect(client));
    try {
      await client.connect();
      await client.query(`listen ${CHANNEL}`);
      this.client = client;
      this.retryMs = 500;
    } catch (err) {
      this.options.logger.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'event relay: cannot listen yet',
      );
      this.reconnect(client);
    }
  }

  private reconnect(client: pg.Client): void {
    if (this.client === client) this.client = null;
    client.removeAllListeners('end');
    void client.end().catch(() => undefined);
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, this.retryMs);
    this.timer.unref();
    this.retryMs = Math.min(this.retryMs * 2, 15_000);
  }

  private receive(payload: string | undefined): void {
    if (!payload) return;
    let message: Message;
    try {
      message = JSON.parse(payload) as Message;
    } catch {
      return;
    }
    if (message.o === this.origin) return;
    if (message.e) this.options.bus.deliver(message.e);
    if (message.k) this.options.onWork?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.options.bus.attachRelay(null);
    const client = this.client;
    this.client = null;
    if (client) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
    }
  }
}
