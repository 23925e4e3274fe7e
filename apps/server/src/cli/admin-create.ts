import { migrateToLatest, openDatabase } from '@verzek/db';
import { systemClock } from '@verzek/platform';
import { RegisterBody } from '@verzek/contract';
import { createAdmin } from '../services/users/create-admin';
import { cliConfig } from './env';
import type { CliIo } from './main';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export async function adminCreate(
  args: { email?: string; username?: string; 'password-stdin'?: boolean },
  io: CliIo,
): Promise<number> {
  if (!args.email || !args['password-stdin']) {
    io.err(
      'usage: verzek admin create --email E [--username U] --password-stdin  (password on standard input)\n',
    );
    return 2;
  }
  const password = await readStdin();
  const check = RegisterBody.pick({ email: true, password: true }).safeParse({ email: args.email, password });
  if (!check.success) {
    io.err(`${check.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n')}\n`);
    return 2;
  }
  const handle = openDatabase(cliConfig().database);
  try {
    await migrateToLatest(handle);
    const { user, created } = await createAdmin(
      handle.db,
      { email: check.data.email, password, username: args.username },
      systemClock.now(),
    );
    io.out(
      `${created ? 'created' : 'promoted'} administrator ${user.email} (id ${user.id}, username ${user.username})\n`,
    );
    return 0;
  } finally {
    await handle.close();
  }
}
