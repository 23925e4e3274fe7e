import {
  DcaSettings,
  GeneralSettings,
  RiskSettings,
  StrategySettings,
  type DcaSettings as Dca,
  type GeneralSettings as General,
  type RiskSettings as Risk,
  type StrategySettings as Strategy,
} from '@verzek/contract';
import {
  findUserById,
  readSettings,
  updateUser,
  writeSettings,
  type Db,
  type SettingsSection,
  type UserRow,
} from '@verzek/db';
import type { z } from 'zod';

interface SectionTypes {
  general: General;
  risk: Risk;
  strategy: Strategy;
  dca: Dca;
}

const schemas: { [K in SettingsSection]: z.ZodType<SectionTypes[K]> } = {
  general: GeneralSettings,
  risk: RiskSettings,
  strategy: StrategySettings,
  dca: DcaSettings,
};

/**
 * Parses a stored section, filling defaults for missing fields. A field that no longer validates
 * (a rule tightened since it was saved) falls back to its default alone; the rest is kept.
 */
function parseStored<K extends SettingsSection>(section: K, stored: unknown): SectionTypes[K] {
  const schema = schemas[section];
  const whole = schema.safeParse(stored ?? {});
  if (whole.success) return whole.data;
  const kept: Record<string, unknown> = {};
  const defaults = schema.parse({}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(stored as Record<string, unknown>)) {
    if (key in defaults && schema.safeParse({ ...kept, [key]: value }).success) kept[key] = value;
  }
  return schema.parse(kept);
}

/** The section as the user sees it, with defaults. `auto_trade_enabled` lives on the user row. */
export async function loadSection<K extends SettingsSection>(
  db: Db,
  user: UserRow,
  section: K,
): Promise<SectionTypes[K]> {
  return withUserColumns(section, parseStored(section, await readSettings(db, user.id, section)), user);
}

function withUserColumns<K extends SettingsSection>(
  section: K,
  value: SectionTypes[K],
  user: UserRow,
): SectionTypes[K] {
  if (section === 'strategy') (value as Strategy).auto_trade_enabled = user.auto_trade_enabled === 1;
  return value;
}

/** Merges a validated patch into the stored section and returns the result. */
export async function saveSection<K extends SettingsSection>(
  db: Db,
  user: UserRow,
  section: K,
  patch: Partial<SectionTypes[K]>,
  now: number,
): Promise<SectionTypes[K]> {
  return db.transaction().execute(async (trx) => {
    const fresh = (await findUserById(trx, user.id)) ?? user;
    const current = withUserColumns(
      section,
      parseStored(section, await readSettings(trx, user.id, section)),
      fresh,
    );
    const next = schemas[section].parse({ ...current, ...patch });
    if (section === 'strategy') {
      const { auto_trade_enabled, ...rest } = next as Strategy;
      await writeSettings(trx, user.id, section, rest, now);
      await updateUser(trx, user.id, { auto_trade_enabled: auto_trade_enabled ? 1 : 0, updated_at: now });
    } else {
      await writeSettings(trx, user.id, section, next, now);
    }
    return next;
  });
}

export interface TradingSettings {
  strategy: Strategy;
  risk: Risk;
  dca: Dca;
}

/** The trading sections of many users at once (one query), with defaults and the auto-trade flag. */
export async function loadTradingSettings(
  db: Db,
  users: readonly UserRow[],
): Promise<Map<number, TradingSettings>> {
  const out = new Map<number, TradingSettings>();
  if (users.length === 0) return out;
  const rows = await db
    .selectFrom('user_settings')
    .select(['user_id', 'section', 'data'])
    .where(
      'user_id',
      'in',
      users.map((u) => u.id),
    )
    .where('section', 'in', ['strategy', 'risk', 'dca'])
    .execute();
  const stored = new Map<string, unknown>();
  for (const r of rows) stored.set(`${r.user_id}:${r.section}`, JSON.parse(r.data) as unknown);
  for (const user of users) {
    out.set(user.id, {
      strategy: withUserColumns('strategy', parseStored('strategy', stored.get(`${user.id}:strategy`)), user),
      risk: parseStored('risk', stored.get(`${user.id}:risk`)),
      dca: parseStored('dca', stored.get(`${user.id}:dca`)),
    });
  }
  return out;
}
