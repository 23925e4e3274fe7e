import { acquireTelegramLease, releaseTelegramLease, writeTelegramState } from '@verzek/db';
import type { Logger } from '@verzek/platform';
import { BotTransport } from '@verzek/telegram';
import type { AppContext } from '../context';
import { BOT_USERNAME_KEY } from './linking';
import { Planner } from './planner';
import { UpdatePoller } from './poller';
import { OutboxSender } from './sender';
import { telegramSettings, type TelegramSettings, type TelegramTuning } from './settings';
import { ALLOWED_UPDATES } from './updates';
import { logUserClientFailure, UserClient } from './user-client';
import { localOwner } from '../local-owner';

const LEASE_KEY = 'runtime';

/**
 * Telegram in a worker process: the planner (records → outbox rows), the sender (outbox → Bot API),
 * the update poller (or the webhook registration) and the MTProto user client. Telegram allows one
 * getUpdates consumer per bot and the limits are per bot, so exactly one process in the cluster runs
 * them: the holder of a lease in `telegram_state`, renewed every third of its length. Another worker
 * takes over when it lapses.
 */
export class TelegramRuntime {
  readonly owner = localOwner();
  readonly settings: TelegramSettings;
  planner: Planner | null = null;
  sender: OutboxSender | null = null;
  poller: UpdatePoller | null = null;
  private userClient: UserClient | null = null;
  private readonly transport: BotTransport;
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | null = null;
  private leading = false;
  private transition: Promise<void> = Promise.resolve();
  private stopped = false;
  private unsubscribe: (() => void) | null = null;
  private pollRetryAt = 0;

  constructor(
    private readonly ctx: AppContext,
    settings: TelegramSettings,
  ) {
    this.settings = settings;
    this.logger = ctx.logger.child({ component: 'telegram' });
    this.transport = new BotTransport(settings.token, {
      apiRoot: settings.apiRoot,
      timeoutSeconds: settings.requestTimeoutSeconds,
    });
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** Starts the lease loop; resolves after the first attempt (leading or standing by). */
  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => void this.tick(), Math.max(50, Math.floor(this.settings.leaseMs / 3)));
  }

  /** Wakes the planner and the sender (something was just written). */
  kick(): void {
    this.planner?.kick();
    this.sender?.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.transition;
    await this.resign();
    await releaseTelegramLease(this.ctx.db, LEASE_KEY, this.owner, Date.now()).catch(() => undefined);
  }

  private tick(): Promise<void> {
    this.transition = this.transition.then(async () => {
      if (this.stopped) return;
      const now = Date.now();
      let holds = false;
      try {
        holds = await acquireTelegramLease(
          this.ctx.db,
          LEASE_KEY,
          this.owner,
          now,
          now + this.settings.leaseMs,
        );
      } catch (err) {
        this.logger.warn({ err }, 'telegram: lease check failed');
      }
      if (holds && !this.leading) await this.lead();
      else if (holds && this.poller && !this.poller.active && now >= this.pollRetryAt) {
        // Polling that stopped on an error (a 409, a revoked token) is restarted at most once a minute.
        this.pollRetryAt = now + 60_000;
        await this.poller
          .start()
          .catch((err: unknown) => this.logger.warn({ err }, 'telegram: polling restart failed'));
      } else if (!holds && this.leading) {
        this.logger.warn('telegram: lost the lease; standing by');
        await this.resign();
      }
    });
    return this.transition;
  }

  private async lead(): Promise<void> {
    const { ctx, settings, logger } = this;
    this.leading = true;
    const deps = {
      ctx,
      settings,
      logger,
      onQueued: () => this.kick(),
    };
    this.planner = new Planner({
      db: ctx.db,
      clock: ctx.clock,
      logger,
      settings,
      onPlanned: () => this.sender?.kick(),
    });
    this.sender = new OutboxSender({
      db: ctx.db,
      clock: ctx.clock,
      logger,
      settings,
      transport: this.transport,
    });
    this.planner.start();
    await this.sender.start();
    // Signals and follow-ups stored in this process are planned at once (others within idleMs).
    this.unsubscribe = ctx.bus.subscribe((event) => {
      if (event.type === 'signal' || event.type === 'signal_event' || event.type === 'notification')
        this.kick();
    });
    if (settings.updates === 'polling') {
      this.poller = new UpdatePoller(deps, {
        token: settings.token,
        apiRoot: settings.apiRoot,
        pollTimeoutSeconds: settings.pollTimeoutSeconds,
      });
      try {
        await this.poller.start();
        const username = this.poller.username;
        if (username !== undefined)
          await writeTelegramState(ctx.db, BOT_USERNAME_KEY, username, ctx.clock.now());
      } catch (err) {
        logger.error({ err }, 'telegram: could not start polling (check the token); broadcasting continues');
      }
    } else if (settings.updates === 'webhook') {
      const set = await this.transport.call('setWebhook', {
        url: settings.webhookUrl,
        secret_token: settings.webhookSecret,
        allowed_updates: [...ALLOWED_UPDATES],
      });
      const me = await this.transport.call<{ username?: string }>('getMe', {});
      if (me.kind === 'ok' && me.result.username) {
        await writeTelegramState(ctx.db, BOT_USERNAME_KEY, me.result.username, ctx.clock.now());
      }
      if (set.kind !== 'ok') logger.error({ outcome: set }, 'telegram: setWebhook failed');
      else logger.info({ url: settings.webhookUrl }, 'telegram: webhook registered');
    }
    if (settings.mtproto) {
      this.userClient = new UserClient({ ...deps, box: ctx.secretBox, mtproto: settings.mtproto });
      await this.userClient.start().catch((err: unknown) => logUserClientFailure(logger, err));
    }
    logger.info(
      { owner: this.owner, updates: settings.updates, groups: settings.groups.map((g) => g.name) },
      'telegram: runtime leading',
    );
  }

  private async resign(): Promise<void> {
    if (!this.leading) return;
    this.leading = false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.poller?.stop();
    await this.userClient?.stop();
    await this.planner?.stop();
    await this.sender?.stop();
    this.poller = null;
    this.userClient = null;
    this.planner = null;
    this.sender = null;
  }
}

/** Starts Telegram for a worker process, or returns null when no bot token is configured. */
export async function startTelegram(
  ctx: AppContext,
  tuning: TelegramTuning = {},
): Promise<TelegramRuntime | null> {
  const settings = telegramSettings(ctx, tuning);
  if (!settings) {
    ctx.logger.info({ component: 'telegram' }, 'telegram: off (no TELEGRAM_BOT_TOKEN)');
    return null;
  }
  const runtime = new TelegramRuntime(ctx, settings);
  await runtime.start();
  return runtime;
}
