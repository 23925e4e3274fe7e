import {
  findTelegramLinkByTelegramUser,
  findUserById,
  insertOutbox,
  linkTelegram,
  listPositions,
  LIVE_POSITION_STATUSES,
  readSafety,
  updateUser,
  userCounts,
  useTelegramLinkCode,
  type UserRow,
} from '@verzek/db';
import { sha256Hex } from '@verzek/platform';
import { renderText, type InboundCommand } from '@verzek/telegram';
import type { AppContext } from '../context';
import { audit } from '../services/audit';
import { setKillSwitch } from '../services/safety/kill-switch';
import { effectivePlan } from '../services/users/plan';
import { inviteRows, messageRow, paidNow } from './plan';
import type { TelegramSettings } from './settings';

const LINK_FIRST = 'Link your account first: in the app, open Settings → Telegram and tap “Link Telegram”.';

const HELP = [
  '/status — your plan, auto-trading and open positions',
  '/positions — your open positions',
  '/stop — turn auto-trading off',
  'Administrators: /halt [reason], /resume, /stats',
];

const day = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

/**
 * A command sent to the bot in a private chat. The answer is an outbox row keyed by the message, so
 * a re-delivered update is answered once; what a command changes is idempotent (/stop, /halt, /resume)
 * or single-use (/start <code>).
 */
export async function handleCommand(
  deps: { ctx: AppContext; settings: TelegramSettings },
  cmd: InboundCommand,
): Promise<void> {
  const { ctx, settings } = deps;
  const now = ctx.clock.now();
  const replyKey = `cmd:${cmd.chatId}:${cmd.messageId}`;
  const answer = async (
    lines: string[],
    title?: string,
    extraRows: Parameters<typeof insertOutbox>[1] = [],
  ) => {
    await insertOutbox(ctx.db, [
      messageRow(replyKey, cmd.chatId, 'reply', renderText(lines, { title }), now, settings.staleMs, {
        reply_parameters: { message_id: cmd.messageId, allow_sending_without_reply: true },
      }),
      ...extraRows,
    ]);
  };

  if (cmd.command === 'start' && cmd.args !== '') return linkAccount(deps, cmd, answer);
  const link = await findTelegramLinkByTelegramUser(ctx.db, cmd.fromId);
  const user = link ? await findUserById(ctx.db, link.user_id) : undefined;
  if (cmd.command === 'start' || cmd.command === 'help') {
    return answer(
      user ? HELP : [LINK_FIRST, '', ...HELP],
      user ? `Hello ${user.username}` : 'Verzek Auto Trader',
    );
  }
  if (!user || user.disabled_at !== null) return answer([LINK_FIRST]);

  switch (cmd.command) {
    case 'status': {
      const plan = effectivePlan(user, now);
      const open = await listPositions(ctx.db, {
        userId: user.id,
        statuses: LIVE_POSITION_STATUSES,
        limit: 50,
      });
      return answer(
        [
          `Plan: ${plan}${plan !== 'TRIAL' && user.plan_expires_at !== null ? ` (until ${day(user.plan_expires_at)})` : ''}`,
          `Auto-trading: ${user.auto_trade_enabled === 1 ? 'on' : 'off'}`,
          `Open positions: ${open.length}`,
        ],
        `📋 ${user.username}`,
      );
    }
    case 'positions': {
      const open = await listPositions(ctx.db, {
        userId: user.id,
        statuses: LIVE_POSITION_STATUSES,
        limit: 20,
      });
      if (open.length === 0) return answer(['No open positions.'], '📈 Positions');
      return answer(
        open.map(
          (p) =>
            `#${p.id} ${p.symbol} ${p.direction} ${String(p.remaining_qty)} @ ${p.avg_entry_price === null ? 'pending' : String(p.avg_entry_price)} — ${p.status}, realized ${String(p.realized_pnl_usdt)} USDT`,
        ),
        '📈 Positions',
      );
    }
    case 'stop': {
      if (user.auto_trade_enabled === 1) {
        await ctx.db.transaction().execute(async (trx) => {
          await updateUser(trx, user.id, { auto_trade_enabled: 0, updated_at: now });
          await audit(trx, { action: 'telegram_auto_trade_off', at: now, userId: user.id, actorId: user.id });
        });
      }
      return answer(
        ['Auto-trading is off. Open positions are left as they are; turn it on again in the app.'],
        '⏹ Stopped',
      );
    }
    case 'halt':
    case 'resume': {
      if (user.role !== 'ADMIN') return answer(['Administrators only.']);
      const on = cmd.command === 'halt';
      const changed = await setKillSwitch(
        { db: ctx.db, bus: ctx.bus, now },
        {
          on,
          by: 'admin',
          userId: user.id,
          reason: cmd.args || (on ? 'halted from Telegram' : 'resumed from Telegram'),
        },
      );
      return answer(
        [
          changed
            ? `Kill switch ${on ? 'ON: no new trades are opened' : 'OFF: trading resumes'}.`
            : `The kill switch was already ${on ? 'on' : 'off'}.`,
        ],
        on ? '🛑 Halt' : '▶️ Resume',
      );
    }
    case 'stats': {
      if (user.role !== 'ADMIN') return answer(['Administrators only.']);
      const counts = await userCounts(ctx.db, now);
      const since = now - 86_400_000;
      const signals = await ctx.db
        .selectFrom('signals')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('created_at', '>=', since)
        .executeTakeFirst();
      const open = await ctx.db
        .selectFrom('positions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', 'in', [...LIVE_POSITION_STATUSES])
        .executeTakeFirst();
      const safety = await readSafety(ctx.db);
      return answer(
        [
          `Users: ${counts.total} (TRIAL ${counts.trial}, VIP ${counts.vip}, PREMIUM ${counts.premium})`,
          `Auto-traders: ${counts.autoTraders}`,
          `Signals in the last 24 h: ${Number(signals?.n ?? 0)}`,
          `Open positions: ${Number(open?.n ?? 0)}`,
          `Kill switch: ${safety.kill_switch === 1 ? `ON (${safety.reason ?? 'no reason'})` : 'off'}`,
        ],
        '📊 Stats',
      );
    }
    default:
      return answer([`Unknown command /${cmd.command}.`, '', ...HELP]);
  }
}

/** `/start <code>`: links the Telegram account to the user who asked the app for the code. */
async function linkAccount(
  deps: { ctx: AppContext; settings: TelegramSettings },
  cmd: InboundCommand,
  answer: (lines: string[], title?: string, extra?: Parameters<typeof insertOutbox>[1]) => Promise<void>,
): Promise<void> {
  const { ctx, settings } = deps;
  const now = ctx.clock.now();
  const linked = await ctx.db.transaction().execute(async (trx): Promise<UserRow | null> => {
    const userId = await useTelegramLinkCode(trx, sha256Hex(cmd.args), now);
    if (userId === null) return null;
    const user = await findUserById(trx, userId);
    if (!user || user.disabled_at !== null) return null;
    await linkTelegram(trx, {
      user_id: user.id,
      tg_user_id: cmd.fromId,
      tg_username: cmd.fromUsername,
      chat_id: cmd.chatId,
      linked_at: now,
    });
    await audit(trx, {
      action: 'telegram_linked',
      at: now,
      userId: user.id,
      actorId: user.id,
      detail: { telegram_user: cmd.fromId, username: cmd.fromUsername },
    });
    return user;
  });
  if (!linked)
    return answer(['This link has expired or was already used. Get a new one in the app.'], 'Link failed');
  const invite = paidNow(linked, now)
    ? inviteRows(
        settings,
        `invite:link:${linked.id}:${cmd.chatId}:${cmd.messageId}`,
        linked.id,
        cmd.chatId,
        now,
      )
    : [];
  return answer(
    [
      `This Telegram account is now linked to ${linked.username}.`,
      'Your trade alerts and account notices arrive here (choose which in the app’s notification settings).',
      ...(invite.length > 0 ? ['Your VIP group invite follows.'] : []),
      '',
      ...HELP,
    ],
    '✅ Linked',
    invite,
  );
}
