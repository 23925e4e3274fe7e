import { hasExplicitQuote, normalizeSymbol } from '../symbol';

/** How sure we are that a candidate is the pair: 3 full pair, 2 tagged or labelled base, 1 bare ticker. */
export type SymbolScore = 0 | 1 | 2 | 3;

export interface SymbolFind {
  symbol: string | null;
  score: SymbolScore;
  /** line index of the chosen candidate, -1 when none */
  line: number;
  /** how many different pairs the message names with score >= 2 */
  distinct: number;
}

/** Words that look like tickers in channel posts but are not coins (as bare words or hashtags). */
const NOT_TICKERS = new Set(
  (
    'LONG SHORT BUY SELL TP TPS SL ENTRY ENTRIES TARGET TARGETS STOP STOPLOSS LOSS PROFIT TAKE LEVERAGE LEV ' +
    'CROSS ISOLATED ISO MARGIN VIP PREMIUM FREE SIGNAL SIGNALS NEW HOT UPDATE UPDATES ALERT NOTE NOTES RISK ' +
    'HIGH LOW MID FUTURES FUTURE SPOT PERP PERPETUAL BINANCE BYBIT OKX KUCOIN MEXC BITGET GATE HUOBI HTX ' +
    'BINGX PHEMEX KRAKEN COINBASE CMP NOW MARKET ZONE DM PM GM GN AM RR TF ALL AND THE IN AT TO OF FOR ON OR ' +
    'IS IT MY WE US OUR YOU BE NO NOT DONE HIT HITS REACHED CLOSED CLOSE CANCELLED CANCELED CANCEL ' +
    'ACHIEVED SCALP SCALPING SWING DAY TRADE TRADING TRADES CRYPTO COIN COINS PAIR TOKEN BITCOIN ETHEREUM ' +
    'ALTCOIN ALTCOINS ALTS DCA PNL ROI ATH ATL NFA DYOR TA FA LFG BE OK YES ICO ETF FOMC CPI USA UTC GMT ' +
    'ANALYSIS NEWS PROMO AD ADS JOIN WIN WON PUMP DUMP BULL BEAR BULLISH BEARISH TYPE REGULAR DIRECTION ' +
    'PERIOD EXCHANGE EXCHANGES USDT USDC USD BUSD FDUSD BTCD DOMINANCE TOTAL TOTAL2 TOTAL3 LIMIT ORDER ' +
    'ORDERS VOLUME OI TODAY ASAP MOVE BREAKEVEN GUYS HELLO HI HEY WOW NICE GOOD GREAT TEAM ADMIN CHANNEL ' +
    'GROUP BONUS GIFT OFFER SALE DEAL PRICE SETUP CHART UP DOWN OUT IF BUT SO THIS THAT WHAT WHEN MORE ' +
    'NEXT BREAK BREAKOUT ABOVE BELOW SUPPORT RESISTANCE TREND LEVEL LEVELS AI API IMPORTANT WARNING ' +
    'ATTENTION REMINDER RESULT RESULTS PROFITS ID CALL CALLS EASY MONEY GAIN GAINS ACCURACY WINRATE RATE ' +
    'STRATEGY PLAN BOT BOTS AUTO APP WEB POLL VOTE QUESTION ANSWER CONGRATS CONGRATULATIONS BOOM FIRE ' +
    'MOON ROCKET WAIT HOLD HODL FOMO FUD REKT DIP BTFD EPIC SUPER MEGA ULTRA ELITE GOLD SILVER DAILY WEEKLY ' +
    'MONTHLY HOURLY TIME PERIODS AVG AVERAGE CURRENT MODE LIVE OPEN OPENED FILLED ACTIVE ACTIVATED'
  ).split(' '),
);
const INDEXED_KEYWORD_RE = /^(?:TP|SL|T|E|ENTRY|TARGET|TG|H|M|D|W)\d{1,3}$|^\d{1,3}[HMDW]$/;
const LABELS = new Set(['coin', 'pair', 'symbol', 'asset', 'ticker', 'token', 'монета', 'пара', 'актив']);
const CANDIDATE_RE =
  /[#$]?[A-Za-z0-9]+(?:\s?[/\-_]\s?[A-Za-z0-9]+)?(?::[A-Za-z]{3,5})?(?:\.[Pp](?![A-Za-z0-9]))?/g;
const BARE_RE = /^(?:[A-Z][A-Z0-9]{1,9}|\d{1,7}[A-Z][A-Z0-9]{0,9})$/;
const LONG_QUOTES = ['USDT', 'USDC', 'BUSD', 'FDUSD'];

function isTicker(base: string): boolean {
  const up = base.toUpperCase();
  return !NOT_TICKERS.has(up) && !INDEXED_KEYWORD_RE.test(up);
}

interface Candidate {
  symbol: string;
  score: SymbolScore;
}

const QUOTE_TAIL_RE = /(?:USDT|USDC|BUSD|FDUSD|USD|BTC|ETH)$/i;

/** A concatenated pair written as one word: "BTCUSDT", "btcusdt", "ETHBTC" (short quotes upper case only). */
function concatenated(word: string): string | null {
  if (!QUOTE_TAIL_RE.test(word) || !hasExplicitQuote(word)) return null;
  const up = word.toUpperCase();
  const longQuote = LONG_QUOTES.some((q) => up.endsWith(q));
  const caseOk = word === up || (longQuote && word === word.toLowerCase());
  if (!caseOk || NOT_TICKERS.has(up)) return null;
  return normalizeSymbol(word);
}

/** Latin or Cyrillic letter: the alphabets of the pair labels. */
function isLabelLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 0x400 && c <= 0x4ff);
}

/** The word just before position `at`, across at most four separator characters (" : - ="). */
function wordBefore(line: string, at: number): string {
  let end = at;
  while (end > 0 && at - end < 4 && ' :-='.includes(line.charAt(end - 1))) end--;
  let start = end;
  while (start > 0 && end - start < 10 && isLabelLetter(line.charCodeAt(start - 1))) start--;
  return line.slice(start, end).toLowerCase();
}

function classify(match: string, line: string, at: number, bareAllowed: boolean): Candidate | null {
  const prefixed = match.startsWith('#') || match.startsWith('$');
  if (/[/\-_]/.test(match)) {
    const pair = normalizeSymbol(match);
    if (pair !== null) return { symbol: pair, score: 3 };
  }
  const word = (/^[#$]?[A-Za-z0-9]+/.exec(match) ?? [''])[0];
  const bare = prefixed ? word.slice(1) : word;
  if (bare.length < 2 || !/[A-Za-z]/.test(bare)) return null;
  const concat = concatenated(bare);
  if (concat !== null) return { symbol: concat, score: 3 };
  const labelled = !prefixed && LABELS.has(wordBefore(line, at));
  const plainTicker = !prefixed && !labelled && bareAllowed && BARE_RE.test(bare);
  if (!prefixed && !labelled && !plainTicker) return null;
  if (!isTicker(bare)) return null;
  const symbol = normalizeSymbol(bare);
  if (symbol === null) return null;
  // "#BinanceFutures", "#CryptoSignals": long tags are topics; real bases are short ("1MBABYDOGE" is 10)
  return { symbol, score: plainTicker || bare.length > 10 ? 1 : 2 };
}

/**
 * Finds the traded pair: a full pair ("#ETH/USDT", "BTCUSDT", "BTC-USDT.P") beats a tagged or labelled
 * base ("#SOL", "$PEPE", "Coin: SOL"), which beats a bare upper-case ticker — accepted only on the first
 * line or on a line that also gives a direction ("SOL LONG …"). Earliest wins a tie.
 */
export function findSymbol(lines: readonly string[], directionLines: ReadonlySet<number>): SymbolFind {
  let best: SymbolFind = { symbol: null, score: 0, line: -1, distinct: 0 };
  const strong = new Set<string>();
  lines.forEach((line, li) => {
    CANDIDATE_RE.lastIndex = 0;
    const bareAllowed = li === 0 || directionLines.has(li);
    for (let m = CANDIDATE_RE.exec(line); m !== null; m = CANDIDATE_RE.exec(line)) {
      const c = classify(m[0], line, m.index, bareAllowed);
      if (c === null) continue;
      if (c.score >= 2) strong.add(c.symbol);
      if (c.score > best.score) best = { symbol: c.symbol, score: c.score, line: li, distinct: 0 };
    }
  });
  return { ...best, distinct: strong.size };
}
