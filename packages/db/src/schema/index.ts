import type { AuditLogTable } from './audit-log';
import type { EmailTokensTable } from './email-tokens';
import type { ExchangeAccountsTable } from './exchange-accounts';
import type { JobRunsTable } from './job-runs';
import type { NotificationsTable } from './notifications';
import type { PaperAccountsTable, PaperFillsTable, PaperOrdersTable, PaperPositionsTable } from './paper';
import type { PartnersTable } from './partners';
import type { PaymentsTable } from './payments';
import type { PlanRemindersTable } from './plan-reminders';
import type { PushCursorsTable, PushOutboxTable, PushTokensTable } from './push';
import type { ReferralCreditsTable } from './referral-credits';
import type { RefreshTokensTable } from './refresh-tokens';
import type { SignalOutcomesTable } from './signal-outcomes';
import type { SignalSourcesTable } from './signal-sources';
import type { IngestKeysTable, SignalEventsTable, SignalsTable } from './signals';
import type * as Tg from './telegram';
import type {
  DailyReportsTable,
  DailyStatsTable,
  ExecutionIntentsTable,
  OrderRefsTable,
  PositionInboxTable,
  PositionsTable,
  RiskEventsTable,
  SafetyStateTable,
} from './trading';
import type { UserSettingsTable } from './user-settings';
import type { UsersTable } from './users';
import type { WorkerHeartbeatsTable } from './worker-heartbeats';

export interface Database {
  users: UsersTable;
  refresh_tokens: RefreshTokensTable;
  email_tokens: EmailTokensTable;
  audit_log: AuditLogTable;
  user_settings: UserSettingsTable;
  job_runs: JobRunsTable;
  notifications: NotificationsTable;
  signal_sources: SignalSourcesTable;
  signals: SignalsTable;
  signal_events: SignalEventsTable;
  signal_outcomes: SignalOutcomesTable;
  ingest_keys: IngestKeysTable;
  exchange_accounts: ExchangeAccountsTable;
  execution_intents: ExecutionIntentsTable;
  positions: PositionsTable;
  position_inbox: PositionInboxTable;
  order_refs: OrderRefsTable;
  risk_events: RiskEventsTable;
  safety_state: SafetyStateTable;
  daily_stats: DailyStatsTable;
  daily_reports: DailyReportsTable;
  payments: PaymentsTable;
  partners: PartnersTable;
  referral_credits: ReferralCreditsTable;
  plan_reminders: PlanRemindersTable;
  paper_accounts: PaperAccountsTable;
  paper_orders: PaperOrdersTable;
  paper_fills: PaperFillsTable;
  paper_positions: PaperPositionsTable;
  worker_heartbeats: WorkerHeartbeatsTable;
  telegram_outbox: Tg.TelegramOutboxTable;
  telegram_messages: Tg.TelegramMessagesTable;
  telegram_chats: Tg.TelegramChatsTable;
  telegram_planned: Tg.TelegramPlannedTable;
  telegram_links: Tg.TelegramLinksTable;
  telegram_link_codes: Tg.TelegramLinkCodesTable;
  telegram_channels: Tg.TelegramChannelsTable;
  telegram_approvals: Tg.TelegramApprovalsTable;
  telegram_state: Tg.TelegramStateTable;
  push_tokens: PushTokensTable;
  push_outbox: PushOutboxTable;
  push_cursors: PushCursorsTable;
}

export * from './audit-log';
export * from './email-tokens';
export * from './exchange-accounts';
export * from './job-runs';
export * from './notifications';
export * from './paper';
export * from './partners';
export * from './payments';
export * from './plan-reminders';
export * from './push';
export * from './referral-credits';
export * from './refresh-tokens';
export * from './signal-outcomes';
export * from './signal-sources';
export * from './signals';
export * from './telegram';
export * from './trading';
export * from './user-settings';
export * from './users';
export * from './worker-heartbeats';
