import type { Selectable } from 'kysely';

export type SettingsSection = 'general' | 'risk' | 'strategy' | 'dca';

/**
 * One JSON document per (user, section). The section's zod schema (in @verzek/contract) fills
 * defaults on read, so adding a setting needs no migration.
 */
export interface UserSettingsTable {
  user_id: number;
  section: SettingsSection;
  data: string;
  updated_at: number;
}

export type UserSettingsRow = Selectable<UserSettingsTable>;
