import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server the tests create their throw-away databases on. */
export const testPostgresUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const required = process.env.REQUIRE_POSTGRES === '1';

async function probe(): Promise<string | null> {
  const client = new pg.Client({ connectionString: testPostgresUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const problem = await probe();
if (problem !== null) {
  const where = new URL(testPostgresUrl).host;
  if (required) {
    throw new Error(`REQUIRE_POSTGRES=1 but PostgreSQL at ${where} is unreachable: ${problem}`);
  }
  // Visible on purpose: a skipped half must never look like a pass.
  // eslint-disable-next-line no-console
  console.warn(
    `\n⚠️  PostgreSQL at ${where} is unreachable (${problem}): the PostgreSQL half of the database tests is SKIPPED.\n` +
      `   Start it, or set REQUIRE_POSTGRES=1 to turn this skip into a failure.\n`,
  );
}

export const postgresAvailable = problem === null;

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testPostgresUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database and returns its URL. */
export async function createPostgresDatabase(
  prefix = 'verzek_t',
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(testPostgresUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
