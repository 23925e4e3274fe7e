import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { describePostgres } from '@verzek/db';
import { cliConfig } from './env';
import type { CliIo } from './main';

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/**
 * `verzek backup [--out DIR] [--include-secrets]`. SQLite: an online, consistent snapshot (SQLite's
 * backup API, safe while the server runs and writes), checked with `PRAGMA integrity_check`.
 * PostgreSQL: runs `pg_dump --format=custom` when it is installed, else prints the command.
 * The secrets folder (master key, JWT key) is left out unless asked for: keep it apart from the data.
 */
export async function backup(
  args: { out?: string; 'include-secrets'?: boolean },
  io: CliIo,
): Promise<number> {
  const config = cliConfig();
  const outDir = path.resolve(args.out ?? path.join(config.dataDir, 'backups'));
  fs.mkdirSync(outDir, { recursive: true, mode: 0o700 });
  if (config.database.dialect === 'sqlite') {
    const source = config.database.file;
    if (!fs.existsSync(source)) {
      io.err(`no database at ${source}\n`);
      return 1;
    }
    const target = path.join(outDir, `verzek-${stamp()}.db`);
    const db = new SQLite(source, { readonly: true, fileMustExist: true });
    try {
      await db.backup(target);
    } finally {
      db.close();
    }
    const check = new SQLite(target, { readonly: true });
    const result = check.pragma('integrity_check', { simple: true });
    check.close();
    if (result !== 'ok') {
      io.err(`the snapshot failed its integrity check: ${String(result)}\n`);
      return 1;
    }
    fs.chmodSync(target, 0o600);
    io.out(`backup written: ${target} (integrity ok)\n`);
  } else {
    const target = path.join(outDir, `verzek-${stamp()}.dump`);
    const where = describePostgres(config.database.url);
    if (!hasCommand('pg_dump')) {
      io.out(
        `PostgreSQL (${where}): run\n  pg_dump --format=custom --file=${target} "$DATABASE_URL"\n` +
          `and restore with\n  pg_restore --clean --if-exists --dbname="$DATABASE_URL" ${target}\n`,
      );
      return 0;
    }
    execFileSync('pg_dump', ['--format=custom', `--file=${target}`, config.database.url], {
      stdio: 'inherit',
    });
    fs.chmodSync(target, 0o600);
    io.out(`backup written: ${target} (pg_dump of ${where})\n`);
  }
  const secrets = path.join(config.dataDir, 'secrets');
  if (args['include-secrets'] && fs.existsSync(secrets)) {
    const dest = path.join(outDir, `secrets-${stamp()}`);
    fs.cpSync(secrets, dest, { recursive: true });
    io.out(`secrets copied to ${dest} — store them apart from the database backups\n`);
  } else if (fs.existsSync(secrets)) {
    io.out(`note: ${secrets} (master key, JWT key) is not in this backup; keep a copy somewhere safe\n`);
  }
  return 0;
}

/**
 * `verzek restore FILE`: SQLite only, with the server stopped. The file must pass an integrity
 * check; the current database is kept next to it as `.before-restore`.
 */
export function restore(args: { file?: string; force?: boolean }, io: CliIo): number {
  const config = cliConfig();
  if (config.database.dialect !== 'sqlite') {
    io.err(
      'PostgreSQL: restore with pg_restore --clean --if-exists --dbname="$DATABASE_URL" FILE (see docs/operations.md)\n',
    );
    return 2;
  }
  if (!args.file || !fs.existsSync(args.file)) {
    io.err('usage: verzek restore FILE   (a file written by verzek backup)\n');
    return 2;
  }
  const check = new SQLite(args.file, { readonly: true, fileMustExist: true });
  const result = check.pragma('integrity_check', { simple: true });
  check.close();
  if (result !== 'ok') {
    io.err(`refusing: ${args.file} fails its integrity check (${String(result)})\n`);
    return 1;
  }
  const target = config.database.file;
  if (fs.existsSync(`${target}-wal`) && fs.statSync(`${target}-wal`).size > 0 && !args.force) {
    io.err('the database looks in use (a non-empty WAL file): stop the server first, or pass --force\n');
    return 1;
  }
  if (fs.existsSync(target)) fs.renameSync(target, `${target}.before-restore`);
  for (const suffix of ['-wal', '-shm']) fs.rmSync(`${target}${suffix}`, { force: true });
  fs.copyFileSync(args.file, target);
  fs.chmodSync(target, 0o600);
  io.out(`restored ${args.file} → ${target} (the previous database is ${target}.before-restore)\n`);
  return 0;
}
