import { createContext, type Role } from '../context';
import { startServer, stopOnSignals } from '../server';
import { cliConfig } from './env';
import type { CliIo } from './main';

const ROLES: readonly Role[] = ['all', 'api', 'worker'];

export async function serve(args: { role?: string; port?: string }, io: CliIo): Promise<number> {
  const role = (args.role ?? 'all') as Role;
  if (!ROLES.includes(role)) {
    io.err(`--role must be one of ${ROLES.join(', ')}\n`);
    return 2;
  }
  const config = cliConfig({ PORT: args.port });
  const ctx = await createContext(config, { role });
  const server = await startServer(ctx);
  stopOnSignals(server, ctx);
  return 0;
}
