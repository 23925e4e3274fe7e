import fs from 'node:fs';
import path from 'node:path';
import { activeWorkers, insertAudit, migrateToLatest, openDatabase, type Db } from '@verzek/db';
import { loadSecrets, SecretBox, systemClock, type Config } from '@verzek/platform';
import { sql } from 'kysely';
import { exchangeSecretAad } from '../services/exchanges/credentials';
import { cliConfig } from './env';
import type { CliIo } from './main';

/**
 * Every sealed column of the database and the associated data it was sealed with. The strings must
 * match the modules that seal them (a mismatch fails the rotation, which then changes nothing):
 * exchange keys (services/exchanges/credentials.ts), TOTP seeds (services/auth/two-factor.ts), signal
 * source secrets (trading/signals/sources.ts), the Telegram user session (telegram/user-client.ts).
 */
interface SealedColumn {
  table: string;
  key: string;
  column: string;
  /** Extra columns the associated data needs. */
  with: string[];
  aad(row: Record<string, unknown>): string;
  where?: { column: string; value: string };
}

const SEALED_COLUMNS: readonly SealedColumn[] = [
  ...(['api_key', 'api_secret', 'passphrase'] as const).map((column) => ({
    table: 'exchange_accounts',
    key: 'id',
    column,
    with: ['user_id', 'provider'],
    aad: (r: Record<string, unknown>) => exchangeSecretAad(Number(r.user_id), String(r.provider), column),
  })),
  ...['totp_secret', 'totp_pending_secret'].map((column) => ({
    table: 'users',
    key: 'id',
    column,
    with: [],
    aad: (r: Record<string, unknown>) => `totp|user:${Number(r.id)}`,
  })),
  {
    table: 'signal_sources',
    key: 'id',
    column: 'secret',
    with: [],
    aad: (r) => `source-secret|source:${Number(r.id)}`,
  },
  {
    table: 'telegram_state',
    key: 'key',
    column: 'value',
    with: [],
    aad: () => 'telegram|user-session',
    where: { column: 'key', value: 'user_session' },
  },
];

export interface RotationResult {
  /** Rewrapped values per `table.column`. */
  rewrapped: Record<string, number>;
  oldKeyId: string;
  newKeyId: string;
  keyFile: string | null;
}

/**
 * Re-wraps every sealed secret (exchange keys, TOTP seeds, source secrets, the Telegram session) from
 * the current master key to `newKey`, in one transaction: either all records move to the new key or
 * none does. The payloads are not decrypted — only each record's data key is re-wrapped. With the key
 * in the data folder, the new key replaces `secrets/master.key` once the transaction committed (it is
 * written next to it first, so a crash leaves it in `master.key.next`); with MASTER_KEY in the
 * environment, the operator sets the new value and restarts.
 */
export async function rotateMasterKey(
  config: Config,
  newKey: Buffer,
  options: { force?: boolean; now?: number } = {},
): Promise<RotationResult> {
  const secrets = loadSecrets(config);
  const current = new SecretBox(secrets.masterKey);
  const next = new SecretBox(newKey);
  if (next.keyId === current.keyId) throw new Error('the new master key is the current one');
  const handle = openDatabase(config.database);
  const dir = path.join(config.dataDir, 'secrets');
  const keyFile = secrets.sources.master === 'file' ? path.join(dir, 'master.key') : null;
  const staged = keyFile ? `${keyFile}.next` : null;
  try {
    await migrateToLatest(handle);
    const now = options.now ?? systemClock.now();
    const alive = await activeWorkers(handle.db, now - 30_000);
    if (alive.length > 0 && !options.force) {
      throw new Error(
        `${alive.length} worker process(es) seen in the last 30 s (${alive.map((a) => a.owner).join(', ')}): stop every server first (or pass --force)`,
      );
    }
    if (staged) fs.writeFileSync(staged, `${newKey.toString('base64')}\n`, { mode: 0o600 });
    const rewrapped: Record<string, number> = {};
    await handle.db.transaction().execute(async (trx) => {
      for (const c of SEALED_COLUMNS) {
        if (!(await tableExists(trx, handle.dialect, c.table))) continue;
        const cols = [c.key, c.column, ...c.with].map((x) => sql.ref(x));
        let q = sql`select ${sql.join(cols)} from ${sql.table(c.table)} where ${sql.ref(c.column)} is not null`;
        if (c.where) q = sql`${q} and ${sql.ref(c.where.column)} = ${c.where.value}`;
        const rows = (await q.execute(trx)).rows as Record<string, unknown>[];
        let n = 0;
        for (const row of rows) {
          const sealed = String(row[c.column]);
          const moved = current.rewrap(sealed, c.aad(row), next);
          // Proves the record opens under the new key with its associated data before committing.
          next.open(moved, c.aad(row));
          if (moved === sealed) continue;
          await sql`update ${sql.table(c.table)} set ${sql.ref(c.column)} = ${moved} where ${sql.ref(c.key)} = ${row[c.key]}`.execute(
            trx,
          );
          n += 1;
        }
        rewrapped[`${c.table}.${c.column}`] = n;
      }
      await insertAudit(trx, {
        at: now,
        action: 'master_key_rotated',
        user_id: null,
        actor_id: null,
        ip: null,
        detail: { old_key_id: current.keyId, new_key_id: next.keyId, rewrapped },
      });
    });
    if (staged && keyFile) fs.renameSync(staged, keyFile);
    return { rewrapped, oldKeyId: current.keyId, newKeyId: next.keyId, keyFile };
  } catch (err) {
    if (staged && fs.existsSync(staged)) fs.rmSync(staged);
    throw err;
  } finally {
    await handle.close();
  }
}

async function tableExists(db: Db, dialect: 'sqlite' | 'postgres', table: string): Promise<boolean> {
  if (dialect === 'sqlite') {
    const r = await sql<{
      n: number;
    }>`select count(*) as n from sqlite_master where type = 'table' and name = ${table}`.execute(db);
    return Number(r.rows[0]?.n ?? 0) > 0;
  }
  const r = await sql<{ t: string | null }>`select to_regclass(${table})::text as t`.execute(db);
  return r.rows[0]?.t != null;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

/** Parses a master key: 32 bytes in base64 (what `openssl rand -base64 32` prints). */
export function parseMasterKey(text: string): Buffer {
  const t = text.trim();
  if (!/^[A-Za-z0-9+/]{43}=$/.test(t))
    throw new Error('the new master key must be 32 bytes in base64 (44 characters)');
  return Buffer.from(t, 'base64');
}

/** `verzek keys rotate --new-master-key-stdin [--force]` */
export async function keys(
  sub: string | undefined,
  args: { 'new-master-key-stdin'?: boolean; force?: boolean },
  io: CliIo,
  readKey: () => Promise<string> = readStdin,
): Promise<number> {
  if (sub !== 'rotate' || !args['new-master-key-stdin']) {
    io.err(
      'usage: verzek keys rotate --new-master-key-stdin [--force]  (the new key, base64, on standard input)\n',
    );
    return 2;
  }
  let key: Buffer;
  try {
    key = parseMasterKey(await readKey());
  } catch (err) {
    io.err(`${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  const config = cliConfig();
  try {
    const r = await rotateMasterKey(config, key, { force: args.force });
    const total = Object.values(r.rewrapped).reduce((a, b) => a + b, 0);
    io.out(`re-wrapped ${total} sealed secret(s) from key ${r.oldKeyId} to ${r.newKeyId}\n`);
    for (const [col, n] of Object.entries(r.rewrapped)) if (n > 0) io.out(`  ${col}: ${n}\n`);
    io.out(
      r.keyFile
        ? `the new key is in ${r.keyFile}; start the servers again (back that file up with the database)\n`
        : 'MASTER_KEY comes from the environment: set it to the new key everywhere, then start the servers again\n',
    );
    return 0;
  } catch (err) {
    io.err(`key rotation failed, nothing changed: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
