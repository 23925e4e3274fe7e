import { insertUser, type Db } from '../src';

/** A PREMIUM user named `name` (unique per database), for tests that need rows pointing at one. */
export async function testUser(db: Db, name: string): Promise<number> {
  const u = await insertUser(db, {
    username: name,
    email: `${name}@example.com`,
    password_hash: 'h',
    role: 'USER',
    plan: 'PREMIUM',
    created_at: 1,
    updated_at: 1,
  });
  return u.id;
}
