import { insertAudit, type Db } from '@verzek/db';

/** Security-relevant actions; one vocabulary so the audit log can be queried by action. */
export type AuditAction =
  | 'register'
  | 'login_ok'
  | 'login_failed'
  | 'login_locked'
  | 'logout'
  | 'logout_all'
  | 'refresh_token_reuse'
  | 'email_verification_sent'
  | 'email_verified'
  | 'totp_setup_started'
  | 'totp_enabled'
  | 'totp_disabled'
  | 'admin_created'
  | 'admin_plan_changed'
  | 'admin_kill_switch'
  | 'admin_email_verified'
  | 'admin_settings_changed'
  | 'payment_submitted'
  | 'payment_confirmed'
  | 'payment_rejected'
  | 'plan_expired'
  | 'referral_credited'
  | 'admin_user_disabled'
  | 'admin_user_enabled'
  | 'admin_partner_created'
  | 'admin_partner_updated'
  | 'admin_partner_deleted'
  | 'admin_source_created'
  | 'admin_source_updated'
  | 'admin_source_rotated'
  | 'exchange_connected'
  | 'exchange_disconnected'
  | 'exchange_key_refused'
  | 'exchange_key_flagged'
  | 'master_key_rotated'
  | 'telegram_linked'
  | 'telegram_unlinked'
  | 'telegram_auto_trade_off'
  | 'admin_telegram_channel_changed'
  | 'admin_approval_decided';

export interface AuditInput {
  action: AuditAction;
  at: number;
  userId?: number | null;
  actorId?: number | null;
  ip?: string | null;
  detail?: Record<string, unknown>;
}

export function audit(db: Db, e: AuditInput): Promise<void> {
  return insertAudit(db, {
    at: e.at,
    action: e.action,
    user_id: e.userId ?? null,
    actor_id: e.actorId ?? null,
    ip: e.ip ?? null,
    detail: e.detail,
  });
}
