import { parseTelegramHtml } from '@verzek/test-support';
import { describe, expect, it } from 'vitest';
import { esc, fitMessage, MAX_MESSAGE_CHARS, visibleLength } from './html';
import {
  renderAdminAlert,
  renderFollowUp,
  renderNotice,
  renderReport,
  renderSignal,
  renderText,
  type SignalCard,
} from './templates';

const card: SignalCard = {
  id: 42,
  symbol: 'BTCUSDT',
  direction: 'LONG',
  entryType: 'single',
  entries: ['70000'],
  targets: ['70500', '71000', '72000'],
  stopLoss: '69000',
  leverage: 10,
  marginMode: 'CROSS',
  tradeType: 'FUTURES',
  highestTp: 0,
  outcome: null,
  entryFilled: false,
};

/** Every template must be valid Telegram HTML (the fake checks it the way the Bot API does). */
function text(html: string): string {
  const parsed = parseTelegramHtml(html);
  if (!parsed.ok) throw new Error(`${parsed.error}\n${html}`);
  return parsed.text;
}

describe('templates', () => {
  it('renders a signal in full for VIP', () => {
    const t = text(renderSignal(card, 'full'));
    expect(t).toContain('🟢 LONG · #BTCUSDT · Futures');
    expect(t).toContain('📥 Entry: 70000');
    expect(t).toContain('1) 70500\n2) 71000\n3) 72000');
    expect(t).toContain('🛑 Stop: 69000');
    expect(t).toContain('⚙️ Leverage: Cross 10x');
    expect(t).toContain('🆔 Signal 42');
  });

  it('reduces what TRIAL sees', () => {
    const reduced = text(renderSignal(card, 'reduced'));
    expect(reduced).toContain('1) 70500');
    expect(reduced).not.toContain('71000');
    expect(reduced).not.toContain('69000');
    expect(reduced).toContain('+2 more target(s) for VIP members');
    const minimal = text(renderSignal({ ...card, direction: 'SHORT' }, 'minimal'));
    expect(minimal).toContain('🔴 SHORT · #BTCUSDT');
    expect(minimal).not.toContain('70000');
  });

  it('shows progress on edits', () => {
    const t = text(renderSignal({ ...card, highestTp: 2 }, 'full', { progress: true }));
    expect(t).toContain('1) 70500 ✅\n2) 71000 ✅\n3) 72000\n');
    expect(t).toContain('✅ Target 2 reached');
    expect(
      text(renderSignal({ ...card, outcome: 'SL_HIT', highestTp: 1 }, 'full', { progress: true })),
    ).toContain('Stopped after target 1');
    expect(text(renderSignal({ ...card, outcome: 'CANCELLED' }, 'full', { progress: true }))).toContain(
      '❎ Cancelled',
    );
  });

  it('renders zones, market and breakout entries', () => {
    expect(text(renderSignal({ ...card, entryType: 'zone', entries: ['3520', '3560'] }, 'full'))).toContain(
      '3520 – 3560',
    );
    expect(text(renderSignal({ ...card, entryType: 'market', entries: [] }, 'full'))).toContain(
      'Entry: Market',
    );
    expect(text(renderSignal({ ...card, entryType: 'breakout', entries: ['71500'] }, 'full'))).toContain(
      'above 71500',
    );
  });

  it('renders follow-ups', () => {
    expect(text(renderFollowUp(card, { kind: 'TP_HIT', target: 2 }, 'full'))).toBe(
      '🎯 #BTCUSDT Target 2 reached ✅ (71000)',
    );
    expect(text(renderFollowUp(card, { kind: 'TP_HIT', target: 2 }, 'reduced'))).toBe(
      '🎯 #BTCUSDT Target 2 reached ✅',
    );
    expect(text(renderFollowUp(card, { kind: 'SL_HIT', target: null }, 'full'))).toContain('Stop loss hit');
    expect(
      text(
        renderFollowUp(
          card,
          { kind: 'EDIT', target: null, edit: { stopLoss: '69200', targets: ['70500'] } },
          'full',
        ),
      ),
    ).toBe('✏️ #BTCUSDT updated\n🛑 Stop: 69200\n🎯 Targets: 70500');
    expect(text(renderFollowUp(card, { kind: 'EDIT', target: null }, 'reduced'))).toContain(
      'The setup was updated',
    );
  });

  it('escapes whatever text it is given', () => {
    const nasty = 'Price <70000> & "quotes" </b><script>';
    expect(text(renderNotice('position_opened', nasty))).toBe(`📈 ${nasty}`);
    expect(text(renderAdminAlert('kill_switch', nasty))).toBe(`🛑 kill switch\n${nasty}`);
    expect(text(renderReport(`📊 Daily <report>\n& more`))).toBe('📊 Daily <report>\n& more');
    expect(text(renderText([nasty], { title: '<t>' }))).toBe(`<t>\n${nasty}`);
    expect(esc('a<b>&"c"')).toBe('a&lt;b&gt;&amp;&quot;c&quot;');
  });

  it('keeps messages under Telegram’s length limit', () => {
    const long = renderNotice('position_closed', 'x & y '.repeat(2000));
    expect(visibleLength(long)).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
    expect(text(long).endsWith('…')).toBe(true);
    const lines = fitMessage(Array.from({ length: 2000 }, (_, k) => `<b>line ${k}</b>`).join('\n'));
    expect(visibleLength(lines)).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
    expect(text(lines).endsWith('…')).toBe(true);
  });
});

describe('the fake’s HTML check', () => {
  it('refuses what Telegram refuses', () => {
    for (const bad of [
      '<b>open',
      'a < b',
      'a & b',
      '<div>x</div>',
      '<b><i>x</b></i>',
      '&nbsp;',
      '<span>x</span>',
    ]) {
      expect(parseTelegramHtml(bad).ok, bad).toBe(false);
    }
    expect(parseTelegramHtml('<b>x</b> <a href="https://t.me/x">y</a> &lt;&#38;&#x41;').ok).toBe(true);
  });
});
