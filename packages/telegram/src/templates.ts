import { b, code, esc, fitMessage, i } from './html';

/** How much of a signal a group sees: VIP everything; TRIAL as configured. */
export type Detail = 'full' | 'reduced' | 'minimal';

export const DETAILS: readonly Detail[] = ['full', 'reduced', 'minimal'];

export type FollowUpKind = 'TP_HIT' | 'ALL_TP' | 'SL_HIT' | 'CANCELLED' | 'CLOSED' | 'ENTRY_FILLED' | 'EDIT';

/** What a template needs to know about a signal (prices are decimal strings). */
export interface SignalCard {
  id: number;
  symbol: string;
  direction: 'LONG' | 'SHORT';
  entryType: 'single' | 'zone' | 'multiple' | 'market' | 'breakout';
  entries: readonly string[];
  targets: readonly string[];
  stopLoss: string | null;
  leverage: number | null;
  marginMode: 'CROSS' | 'ISOLATED' | null;
  tradeType: 'FUTURES' | 'SPOT';
  /** Highest take-profit reported so far (0 = none). */
  highestTp: number;
  /** For progress edits: how the signal ended, if it did. */
  outcome: 'ALL_TP' | 'SL_HIT' | 'CLOSED' | 'CANCELLED' | null;
  entryFilled: boolean;
}

const tag = (symbol: string) => b(`#${symbol}`);

function entryLine(c: SignalCard): string {
  switch (c.entryType) {
    case 'market':
      return c.entries.length > 0 ? `Market (≈ ${code(c.entries[0]!)})` : 'Market';
    case 'zone':
      return `${code(c.entries[0]!)} – ${code(c.entries[1]!)}`;
    case 'breakout':
      return `${c.direction === 'LONG' ? 'above' : 'below'} ${code(c.entries[0]!)}`;
    default:
      return c.entries.map((e) => code(e)).join(', ');
  }
}

function headline(c: SignalCard): string {
  const side = c.direction === 'LONG' ? '🟢 LONG' : '🔴 SHORT';
  return `${b(side)} · ${tag(c.symbol)} · ${esc(c.tradeType === 'SPOT' ? 'Spot' : 'Futures')}`;
}

function outcomeLine(c: SignalCard): string | null {
  switch (c.outcome) {
    case 'ALL_TP':
      return '😎 All take-profit targets achieved';
    case 'SL_HIT':
      return c.highestTp > 0 ? `⛔️ Stopped after target ${c.highestTp}` : '⛔️ Stop loss hit';
    case 'CANCELLED':
      return '❎ Cancelled';
    case 'CLOSED':
      return '🔘 Closed';
    default:
      if (c.highestTp > 0) return `✅ Target ${c.highestTp} reached`;
      return c.entryFilled ? '📥 Entry filled' : null;
  }
}

/**
 * A new signal as a group sees it. `progress` adds the state it reached (targets ticked, outcome):
 * the text of the edits that keep the original message current.
 */
export function renderSignal(
  c: SignalCard,
  detail: Detail,
  options: { progress?: boolean; upsell?: string } = {},
): string {
  const lines = [headline(c)];
  if (detail !== 'minimal') {
    lines.push(`📥 Entry: ${entryLine(c)}`);
    const shown = detail === 'full' ? c.targets : c.targets.slice(0, 1);
    lines.push('🎯 Targets:');
    shown.forEach((t, n) => {
      const reached = options.progress === true && (c.highestTp > n || c.outcome === 'ALL_TP');
      lines.push(`${n + 1}) ${code(t)}${reached ? ' ✅' : ''}`);
    });
    if (shown.length < c.targets.length) {
      lines.push(i(`+${c.targets.length - shown.length} more target(s) for VIP members`));
    }
    if (detail === 'full') {
      if (c.stopLoss !== null) lines.push(`🛑 Stop: ${code(c.stopLoss)}`);
      if (c.leverage !== null) {
        const mode = c.marginMode === null ? '' : `${c.marginMode === 'CROSS' ? 'Cross' : 'Isolated'} `;
        lines.push(`⚙️ Leverage: ${esc(mode)}${esc(c.leverage)}x`);
      }
    }
  }
  if (options.progress === true) {
    const outcome = outcomeLine(c);
    if (outcome !== null) lines.push('', b(outcome));
  }
  if (detail !== 'full') lines.push('', i(options.upsell ?? 'Full setup (all targets and the stop) in VIP.'));
  lines.push(`🆔 Signal ${esc(c.id)}`);
  return fitMessage(lines.join('\n'));
}

export interface FollowUpFacts {
  kind: FollowUpKind;
  target: number | null;
  /** EDIT: the setup after the change. */
  edit?: { stopLoss: string | null; targets: readonly string[] };
}

/** The reply posted under the original message when the source reports progress. */
export function renderFollowUp(c: SignalCard, f: FollowUpFacts, detail: Detail): string {
  const t = tag(c.symbol);
  switch (f.kind) {
    case 'TP_HIT': {
      const n = f.target ?? 1;
      const price = c.targets[n - 1];
      const showPrice = price !== undefined && (detail === 'full' || (detail === 'reduced' && n === 1));
      return `🎯 ${t} Target ${esc(n)} reached ✅${showPrice ? ` (${code(price)})` : ''}`;
    }
    case 'ALL_TP':
      return `😎 ${t} All take-profit targets achieved`;
    case 'SL_HIT':
      return `⛔️ ${t} Stop loss hit`;
    case 'CANCELLED':
      return `❎ ${t} Signal cancelled`;
    case 'CLOSED':
      return `🔘 ${t} Closed`;
    case 'ENTRY_FILLED':
      return `📥 ${t} Entry filled`;
    case 'EDIT': {
      if (detail !== 'full' || !f.edit) return `✏️ ${t} The setup was updated`;
      return fitMessage(
        [
          `✏️ ${t} updated`,
          `🛑 Stop: ${f.edit.stopLoss === null ? 'none' : code(f.edit.stopLoss)}`,
          `🎯 Targets: ${f.edit.targets.map((x) => code(x)).join(', ')}`,
        ].join('\n'),
      );
    }
  }
}

const NOTICE_ICONS: Record<string, string> = {
  plan_activated: '🎉',
  plan_expiring: '⏳',
  plan_expired: '⌛️',
  payment_rejected: '❌',
  new_signal: '📡',
  position_opened: '📈',
  position_closed: '🏁',
  position_update: '🔄',
  trade_blocked: '🚫',
  new_paid_plan: '💰',
  referral_credited: '🤝',
  signal_win: '🏆',
  signal_stop_loss: '⛔️',
  kill_switch: '🛑',
  circuit_breaker: '🚨',
  worker_failure: '⚠️',
  daily_report: '📊',
  approval_needed: '🕵️',
  telegram_delivery: '📮',
};

/** A stored notification (plain text) as a Telegram message. */
export function renderNotice(kind: string, text: string, extra: readonly string[] = []): string {
  const icon = NOTICE_ICONS[kind] ?? '🔔';
  return fitMessage([`${icon} ${esc(text)}`, ...extra.map((l) => esc(l))].join('\n'));
}

/** An admin alert: the kind as a title, then the text. */
export function renderAdminAlert(kind: string, text: string): string {
  const icon = NOTICE_ICONS[kind] ?? '🔔';
  return fitMessage(`${icon} ${b(kind.replaceAll('_', ' '))}\n${esc(text)}`);
}

/** The daily report (plain text from the report formatter): first line bold, the rest escaped. */
export function renderReport(text: string): string {
  const [first = '', ...rest] = text.split('\n');
  return fitMessage([b(first), ...rest.map((l) => esc(l))].join('\n'));
}

/** A plain text reply (command answers): escaped, first line optionally bold. */
export function renderText(lines: readonly string[], options: { title?: string } = {}): string {
  const out = options.title === undefined ? [] : [b(options.title)];
  return fitMessage([...out, ...lines.map((l) => esc(l))].join('\n'));
}
