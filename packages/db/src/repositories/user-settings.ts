import type { Db } from '../connection';
import type { SettingsSection } from '../schema';

/** The stored JSON of one settings section, or undefined when the user never saved it. */
export async function readSettings(db: Db, userId: number, section: SettingsSection): Promise<unknown> {
  const row = await db
    .selectFrom('user_settings')
    .select('data')
    .where('user_id', '=', userId)
    .where('section', '=', section)
    .executeTakeFirst();
  return row ? (JSON.parse(row.data) as unknown) : undefined;
}

export async function writeSettings(
  db: Db,
  userId: number,
  section: SettingsSection,
  data: unknown,
  at: number,
): Promise<void> {
  const json = JSON.stringify(data);
  await db
    .insertInto('user_settings')
    .values({ user_id: userId, section, data: json, updated_at: at })
    .onConflict((oc) => oc.columns(['user_id', 'section']).doUpdateSet({ data: json, updated_at: at }))
    .execute();
}
