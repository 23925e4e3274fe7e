import { Bot, redactToken } from '@verzek/telegram';
import { ALLOWED_UPDATES, handleUpdate, type UpdateDeps } from './updates';

/**
 * Long polling with grammY: getMe, deleteWebhook, then getUpdates in a loop; updates are handled one
 * at a time, in order (a reply is never handled before its original). `stop()` aborts the poll and
 * confirms what was handled.
 */
export class UpdatePoller {
  private readonly bot: Bot;
  private readonly pollTimeout: number;
  private running: Promise<void> | null = null;

  constructor(
    private readonly deps: UpdateDeps,
    options: { token: string; apiRoot: string; pollTimeoutSeconds: number },
  ) {
    this.bot = new Bot(options.token, { client: { apiRoot: options.apiRoot } });
    this.pollTimeout = options.pollTimeoutSeconds;
    this.bot.use(async (c) => {
      await handleUpdate({ ...this.deps, botUsername: this.bot.botInfo.username }, c.update);
    });
    this.bot.catch((err) => {
      this.deps.logger.error({ err: redactToken(String(err.error)) }, 'telegram: update handler failed');
    });
  }

  /** The bot's @username (after `start`). */
  get username(): string | undefined {
    return this.bot.isInited() ? this.bot.botInfo.username : undefined;
  }

  /** Resolves once the bot is known (getMe) and polling has begun. */
  async start(): Promise<void> {
    if (this.running) return;
    await this.bot.init();
    let started!: () => void;
    const ready = new Promise<void>((r) => (started = r));
    this.running = this.bot
      .start({
        timeout: this.pollTimeout,
        allowed_updates: [...ALLOWED_UPDATES],
        drop_pending_updates: false,
        onStart: () => started(),
      })
      .catch((err: unknown) => {
        started();
        this.deps.logger.error(
          { err: redactToken(err instanceof Error ? err.message : String(err)) },
          'telegram: polling stopped; restarted while this worker leads',
        );
      })
      .finally(() => {
        this.running = null;
      });
    await ready;
  }

  /** Polling now (false once it stopped on an error, e.g. a 409 from a second poller). */
  get active(): boolean {
    return this.running !== null;
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    if (this.bot.isRunning()) await this.bot.stop().catch(() => undefined);
    await this.running;
    this.running = null;
  }
}
