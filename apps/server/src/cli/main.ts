import { parseArgs } from 'node:util';
import { ConfigError } from '@verzek/platform';
import { adminCreate } from './admin-create';
import { backup, restore } from './backup';
import { demo } from './demo';
import { keys } from './keys';
import { migrate } from './migrate';
import { parseSignal } from './parse-signal';
import { serve } from './serve';
import { telegramCommand } from './telegram';

const USAGE = `verzek — Verzek Auto Trader

Usage:
  verzek serve [--role all|api|worker] [--port N]   run the API and/or the workers
  verzek migrate                                     apply database migrations
  verzek admin create --email E [--username U] --password-stdin
                                                     create (or promote) an administrator
  verzek demo [--port N] [--signal-every S]          run with demo data and demo signals (every S seconds,
                                                     default 120, 0 = none) on SQLite in a temp folder
  verzek keys rotate --new-master-key-stdin [--force]
                                                     re-wrap every sealed secret with a new master key
                                                     (stop the servers first; see docs/exchanges.md)
  verzek backup [--out DIR] [--include-secrets]      consistent snapshot of the database (SQLite), or pg_dump
  verzek restore FILE [--force]                      put a SQLite backup in place (server stopped)
  verzek parse-signal [--jsonl]                      parse a message from stdin (JSONL: one JSON string per line)
  verzek telegram login|logout|status                the MTProto user client's session (phone, code and
                                                     password asked on the terminal; stored encrypted)
  verzek help

Configuration comes from the environment (and ./.env if present); see .env.example.
`;

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const io: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve': {
      const { values } = parseArgs({
        args: rest,
        options: { role: { type: 'string' }, port: { type: 'string' } },
      });
      return serve(values, io);
    }
    case 'migrate':
      return migrate(io);
    case 'admin': {
      const [sub, ...args] = rest;
      if (sub !== 'create') break;
      const { values } = parseArgs({
        args,
        options: {
          email: { type: 'string' },
          username: { type: 'string' },
          'password-stdin': { type: 'boolean' },
        },
      });
      return adminCreate(values, io);
    }
    case 'keys': {
      const [sub, ...args] = rest;
      const { values } = parseArgs({
        args,
        options: { 'new-master-key-stdin': { type: 'boolean' }, force: { type: 'boolean' } },
      });
      return keys(sub, values, io);
    }
    case 'backup': {
      const { values } = parseArgs({
        args: rest,
        options: { out: { type: 'string' }, 'include-secrets': { type: 'boolean' } },
      });
      return backup(values, io);
    }
    case 'restore': {
      const { values, positionals } = parseArgs({
        args: rest,
        options: { force: { type: 'boolean' } },
        allowPositionals: true,
      });
      return restore({ file: positionals[0], force: values.force }, io);
    }
    case 'parse-signal': {
      const { values } = parseArgs({ args: rest, options: { jsonl: { type: 'boolean' } } });
      return parseSignal(values, io);
    }
    case 'demo': {
      const { values } = parseArgs({
        args: rest,
        options: { port: { type: 'string' }, 'signal-every': { type: 'string' } },
      });
      return demo(values, io);
    }
    case 'telegram':
      return telegramCommand(rest[0], io);
    case 'help':
    case '--help':
    case '-h':
    case undefined:
      io.out(USAGE);
      return command === undefined ? 1 : 0;
  }
  io.err(`unknown command: ${argv.join(' ')}\n\n${USAGE}`);
  return 2;
}

try {
  const code = await main(process.argv.slice(2));
  if (code !== 0) process.exitCode = code;
} catch (err) {
  if (err instanceof ConfigError) {
    io.err(`${err.message}\n`);
    process.exitCode = 78; // EX_CONFIG
  } else if (
    err instanceof Error &&
    err.name === 'TypeError' &&
    'code' in err &&
    String(err.code).startsWith('ERR_PARSE_ARGS')
  ) {
    io.err(`${err.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else {
    io.err(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  }
}
