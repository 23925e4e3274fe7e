import {
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type SqliteDialectConfig,
} from 'kysely';

/**
 * Kysely's SQLite driver guards its single connection with a mutex that wakes every waiter on each
 * release; with hundreds of concurrent tasks that is quadratic and dominated the engine's CPU time.
 * This driver queues acquirers first-in first-out in front of it, so the inner mutex is never
 * contended and each release wakes exactly one waiter.
 */
class FairSqliteDriver extends SqliteDriver {
  private readonly waiting: (() => void)[] = [];
  private held = false;

  override async acquireConnection(): Promise<DatabaseConnection> {
    if (this.held) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.held = true;
    return super.acquireConnection();
  }

  override async releaseConnection(): Promise<void> {
    await super.releaseConnection();
    const next = this.waiting.shift();
    if (next) next();
    else this.held = false;
  }
}

export class FairSqliteDialect extends SqliteDialect {
  constructor(private readonly fairConfig: SqliteDialectConfig) {
    super(fairConfig);
  }

  override createDriver(): Driver {
    return new FairSqliteDriver(this.fairConfig);
  }
}
