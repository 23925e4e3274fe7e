import { sql } from 'kysely';
import type { Db } from '../connection';
import type { NewUser, Plan, UserRow, UserUpdate } from '../schema';

export async function insertUser(db: Db, user: NewUser): Promise<UserRow> {
  return db.insertInto('users').values(user).returningAll().executeTakeFirstOrThrow();
}

export async function findUserById(db: Db, id: number): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
}

export async function findUserByUsername(db: Db, username: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

export async function updateUser(db: Db, id: number, patch: UserUpdate): Promise<UserRow | undefined> {
  return db.updateTable('users').set(patch).where('id', '=', id).returningAll().executeTakeFirst();
}

export interface UserListQuery {
  search?: string;
  plan?: Plan;
  limit: number;
  offset: number;
}

/** Admin listing: newest first, searchable by username or email (case-insensitive substring). */
export async function listUsers(db: Db, q: UserListQuery): Promise<{ items: UserRow[]; total: number }> {
  let base = db.selectFrom('users');
  if (q.search) {
    const needle = `%${q.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    base = base.where((eb) =>
      eb.or([
        eb(sql`lower(username)`, 'like', sql`${needle} escape '\\'`),
        eb(sql`lower(email)`, 'like', sql`${needle} escape '\\'`),
      ]),
    );
  }
  if (q.plan) base = base.where('plan', '=', q.plan);
  const [items, count] = await Promise.all([
    base.selectAll().orderBy('id', 'desc').limit(q.limit).offset(q.offset).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(count.n) };
}

export async function countUsersByRole(db: Db, role: 'ADMIN' | 'USER'): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', role)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
