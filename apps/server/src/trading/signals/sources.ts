import {
  findSourceByName,
  findSourceByTokenHash,
  insertSource,
  updateSource,
  type Db,
  type SignalSourceRow,
  type SourceKind,
} from '@verzek/db';
import { randomToken, sha256Hex, type SecretBox } from '@verzek/platform';

const aad = (sourceId: number) => `source-secret|source:${sourceId}`;

/** The source a name refers to, created on first use (the admin's own posts go to "api"). */
export async function sourceByName(
  db: Db,
  name: string,
  kind: SourceKind,
  now: number,
): Promise<SignalSourceRow> {
  const found = await findSourceByName(db, name);
  if (found) return found;
  await db
    .insertInto('signal_sources')
    .values({
      name,
      kind,
      secret: null,
      token_hash: null,
      enabled: 1,
      settings: '{}',
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  return (await findSourceByName(db, name))!;
}

export async function createSource(
  db: Db,
  s: { name: string; kind: SourceKind; enabled: boolean; settings: Record<string, unknown> },
  now: number,
): Promise<SignalSourceRow> {
  return insertSource(db, {
    name: s.name,
    kind: s.kind,
    secret: null,
    token_hash: null,
    enabled: s.enabled ? 1 : 0,
    settings: JSON.stringify(s.settings),
    created_at: now,
    updated_at: now,
  });
}

/**
 * New credentials for a source, returned once: a webhook secret (kept sealed, since HMAC checks
 * need it) and an API token (kept only as its hash).
 */
export async function rotateSourceCredentials(
  db: Db,
  box: SecretBox,
  source: SignalSourceRow,
  now: number,
): Promise<{ source: SignalSourceRow; secret: string; token: string }> {
  const secret = `whs_${randomToken(24)}`;
  const token = `vzs_${randomToken(24)}`;
  const updated = await updateSource(db, source.id, {
    secret: box.seal(secret, aad(source.id)),
    token_hash: sha256Hex(token),
    updated_at: now,
  });
  return { source: updated ?? source, secret, token };
}

export function sourceSecret(box: SecretBox, source: SignalSourceRow): string | null {
  return source.secret === null ? null : box.open(source.secret, aad(source.id));
}

/** The enabled source a bearer token belongs to, or undefined. */
export async function sourceByToken(db: Db, token: string): Promise<SignalSourceRow | undefined> {
  if (!token.startsWith('vzs_')) return undefined;
  const source = await findSourceByTokenHash(db, sha256Hex(token));
  return source && source.enabled === 1 ? source : undefined;
}
