import { insertNotification, type Db } from '@verzek/db';

/** What admins are told about (SPEC §7): new paid plans, referrals, signal results, safety, failures. */
export type AdminAlertKind =
  | 'new_paid_plan'
  | 'referral_credited'
  | 'payment_rejected'
  | 'signal_win'
  | 'signal_stop_loss'
  | 'kill_switch'
  | 'circuit_breaker'
  | 'worker_failure'
  | 'daily_report';

/** What a user is told about (their notification choices decide which channels deliver it). */
export type UserNoticeKind =
  | 'plan_activated'
  | 'plan_expiring'
  | 'plan_expired'
  | 'payment_rejected'
  | 'new_signal'
  | 'position_opened'
  | 'position_closed'
  | 'position_update'
  | 'trade_blocked';

/**
 * Records an admin alert. Pass the transaction of the change it reports, so the alert exists if
 * and only if the change does; the Telegram sender delivers it from the table.
 */
export async function alertAdmins(
  db: Db,
  alert: {
    kind: AdminAlertKind;
    text: string;
    userId?: number | null;
    data?: Record<string, unknown>;
    at: number;
  },
): Promise<void> {
  await insertNotification(db, { audience: 'admin', userId: alert.userId ?? null, ...alert });
}

/** Records a notice for one user (same transaction rule as alertAdmins). */
export async function noticeUser(
  db: Db,
  notice: { userId: number; kind: UserNoticeKind; text: string; data?: Record<string, unknown>; at: number },
): Promise<void> {
  await insertNotification(db, { audience: 'user', ...notice });
}
