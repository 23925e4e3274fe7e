import { migrateToLatest, openDatabase } from '@verzek/db';
import { cliConfig } from './env';
import type { CliIo } from './main';

export async function migrate(io: CliIo): Promise<number> {
  const config = cliConfig();
  const handle = openDatabase(config.database);
  try {
    const { applied, total } = await migrateToLatest(handle);
    io.out(
      applied.length > 0
        ? `applied ${applied.length} migration(s) on ${handle.describe}: ${applied.join(', ')}\n`
        : `${handle.describe} is up to date (${total} migrations)\n`,
    );
    return 0;
  } finally {
    await handle.close();
  }
}
