import { describeDb } from '@verzek/test-support';
import { expect, it } from 'vitest';
import {
  claimRefreshToken,
  countAudit,
  findUserByEmail,
  insertAudit,
  insertRefreshToken,
  insertUser,
  isUniqueViolation,
  listUsers,
  migrateToLatest,
  readSettings,
  revokeTokenFamily,
  findRefreshToken,
  writeSettings,
} from '../src';

const base = {
  password_hash: 'h',
  role: 'USER' as const,
  plan: 'TRIAL' as const,
  created_at: 1,
  updated_at: 1,
};

describeDb('db repositories', (t) => {
  it('migrates idempotently', async () => {
    const again = await migrateToLatest(t.dbHandle);
    expect(again.applied).toEqual([]);
  });

  it('stores users, finds them by email case-insensitively and enforces uniqueness', async () => {
    const u = await insertUser(t.db, { ...base, username: 'alice', email: 'alice@example.com' });
    expect(u.id).toBeTypeOf('number');
    expect(u.plan).toBe('TRIAL');
    expect(u.auto_trade_enabled).toBe(0);
    expect((await findUserByEmail(t.db, 'ALICE@example.com'))?.id).toBe(u.id);
    const dup = await insertUser(t.db, { ...base, username: 'alice2', email: 'alice@example.com' }).catch(
      (e: unknown) => e,
    );
    expect(isUniqueViolation(dup)).toBe(true);
  });

  it('lists users with search, plan filter and totals; LIKE wildcards are literal', async () => {
    for (const name of ['bob', 'bobby', 'carol', 'd_x']) {
      await insertUser(t.db, {
        ...base,
        username: name,
        email: `${name}@example.com`,
        plan: name === 'carol' ? 'VIP' : 'TRIAL',
      });
    }
    const bobs = await listUsers(t.db, { search: 'BOB', limit: 10, offset: 0 });
    expect(bobs.items.map((u) => u.username).sort()).toEqual(['bob', 'bobby']);
    expect(bobs.total).toBe(2);
    expect(
      (await listUsers(t.db, { plan: 'VIP', limit: 10, offset: 0 })).items.map((u) => u.username),
    ).toEqual(['carol']);
    expect(
      (await listUsers(t.db, { search: '_', limit: 10, offset: 0 })).items.map((u) => u.username),
    ).toEqual(['d_x']);
    const page = await listUsers(t.db, { limit: 2, offset: 0 });
    expect(page.items).toHaveLength(2);
    expect(page.total).toBeGreaterThanOrEqual(5);
  });

  it('claims a refresh token exactly once, also under concurrency', async () => {
    const u = await insertUser(t.db, { ...base, username: 'rt', email: 'rt@example.com' });
    await insertRefreshToken(t.db, {
      user_id: u.id,
      family_id: 'f1',
      token_hash: 'hash1',
      created_at: 1,
      expires_at: 10,
    });
    const row = await findRefreshToken(t.db, 'hash1');
    const results = await Promise.all([1, 2, 3, 4].map(() => claimRefreshToken(t.db, row!.id, 5)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await revokeTokenFamily(t.db, 'f1', 6)).toBe(1);
  });

  it('counts audit events in a window and round-trips settings JSON', async () => {
    const u = await insertUser(t.db, { ...base, username: 'au', email: 'au@example.com' });
    for (const at of [100, 200, 300]) await insertAudit(t.db, { at, action: 'login_failed', user_id: u.id });
    expect(await countAudit(t.db, { userId: u.id, action: 'login_failed', since: 200 })).toBe(2);
    expect(await readSettings(t.db, u.id, 'risk')).toBeUndefined();
    await writeSettings(t.db, u.id, 'risk', { a: 1 }, 1);
    await writeSettings(t.db, u.id, 'risk', { a: 2, b: '0.1' }, 2);
    expect(await readSettings(t.db, u.id, 'risk')).toEqual({ a: 2, b: '0.1' });
  });
});
