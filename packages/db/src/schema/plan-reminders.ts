import type { Selectable } from 'kysely';

export type PlanReminderKind = 'expiring_3d' | 'expiring_1d';

/**
 * The expiry reminders already sent: one row per (user, expiry, kind), so a reminder goes out once
 * per expiry however often the job runs. A renewal moves the expiry and so re-arms the reminders.
 */
export interface PlanRemindersTable {
  user_id: number;
  expires_at: number;
  kind: PlanReminderKind;
  sent_at: number;
}

export type PlanReminderRow = Selectable<PlanRemindersTable>;
