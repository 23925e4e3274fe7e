/** What a word tells the field reader. */
export type Role =
  | 'entry'
  | 'dca'
  | 'target'
  | 'take'
  | 'profit'
  | 'stop'
  | 'loss'
  | 'targets'
  | 'lev'
  | 'cross'
  | 'isolated'
  | 'market'
  | 'now'
  | 'above'
  | 'below'
  | 'breakout'
  | 'zone'
  | 'conn'
  | 'at'
  | 'buy'
  | 'sell'
  | 'reset'
  | 'neutral';

const ROLES = new Map<string, Role>();

function add(role: Role, words: string): void {
  for (const w of words.split(' ')) if (w) ROLES.set(w, role);
}

add('entry', 'entry entries enter entering ep вход входа входы вхід');
add('dca', 'dca averaging усреднение');
add('target', 'tp tps tgt tgts tg takeprofit takeprofits цели цель тейк тейки тп тейкпрофит');
add('targets', 'target targets таргет таргеты');
add('take', 'take');
add('profit', 'profit profits');
add('stop', 'sl stop stoploss stoplose stops стоп стоплосс сл invalidation');
add('loss', 'loss лосс');
add('lev', 'leverage lev lever leveraged margin плечо плечи кредитное');
add('cross', 'cross crossed кросс');
add('isolated', 'isolated isolate iso изолированная изолированный изолированная');
add('market', 'market cmp рынку рынок рыночная рыночный');
add('now', 'now current immediately сейчас');
add('above', 'above over выше');
add('below', 'below under ниже');
add('breakout', 'breakout break breaks пробой пробое');
add('zone', 'zone zones area range зона зоны');
add('conn', 'to till until and до и');
add('at', 'at around near from по от');
add('buy', 'buy buying покупка купить покупаем');
add('sell', 'sell selling продажа продать продаем');
add(
  'reset',
  'risk period duration exchange exchanges volume amount capital size rr timeframe tf time note notes ' +
    'accuracy winrate trailing pnl roi gain gains hold holding mcap analysis reason comment chart ' +
    'signal signals type status result results funds balance allocation invest investment position ' +
    'риск период биржа биржи объем объём депозит',
);
add(
  'neutral',
  'price prices level levels limit order orders point points value here usdt usd usdc busd the a in of ' +
    'on is with term mid medium between approx approximately about цена точка уровень',
);

/** Targets per word, including the numbered forms "tp1", "target2", "t3", "entry1", "sl1". */
export function roleOf(word: string): { role: Role | null; index: number | null } {
  const direct = ROLES.get(word);
  if (direct !== undefined) return { role: direct, index: null };
  const last = word.charCodeAt(word.length - 1);
  if (last < 48 || last > 57 || word.length > 12) return { role: null, index: null };
  const m = /^([a-zа-яё]{1,10}?)(\d{1,2})$/.exec(word);
  if (m && m[1] !== undefined && m[2] !== undefined) {
    const base = m[1] === 't' ? 'target' : m[1] === 'e' ? 'entry' : m[1];
    const role = ROLES.get(base);
    if (role === 'target' || role === 'targets' || role === 'entry' || role === 'stop' || role === 'dca') {
      return { role: role === 'targets' ? 'target' : role, index: Number(m[2]) };
    }
  }
  return { role: null, index: null };
}

const STRONG_LONG = new Set(['long', 'longs', 'лонг', 'лонгуем']);
const STRONG_SHORT = new Set(['short', 'shorts', 'шорт', 'шортим']);
const WEAK_LONG = new Set(['buy', 'buying', 'покупка', 'купить', 'покупаем']);
const WEAK_SHORT = new Set(['sell', 'selling', 'продажа', 'продать', 'продаем']);
const TERM_WORDS = new Set(['term', 'terms', 'squeeze', 'liquidations', 'liquidation']);

/** 'LONG'/'SHORT' with strength 2 (long/short words) or 1 (buy/sell words), or null. */
export function directionOfWord(
  word: string,
  next: string | undefined,
): { dir: 'LONG' | 'SHORT'; strength: 1 | 2 } | null {
  if (next !== undefined && TERM_WORDS.has(next)) return null;
  if (STRONG_LONG.has(word)) return { dir: 'LONG', strength: 2 };
  if (STRONG_SHORT.has(word)) return { dir: 'SHORT', strength: 2 };
  if (WEAK_LONG.has(word)) return { dir: 'LONG', strength: 1 };
  if (WEAK_SHORT.has(word)) return { dir: 'SHORT', strength: 1 };
  return null;
}
