import type { UpdateKind } from '../types';

export interface UpdateReading {
  kind: UpdateKind;
  target: number | null;
  /** said in words ("reached", "cancelled"), not only with an emoji */
  worded: boolean;
  /** index of the first line that carries the update */
  line: number;
}

const ORDINALS: Record<string, string> = {
  first: '1',
  second: '2',
  third: '3',
  fourth: '4',
  fifth: '5',
  sixth: '6',
  seventh: '7',
  eighth: '8',
  ninth: '9',
  tenth: '10',
};

/**
 * One clause in a canonical form: lower case, synonyms folded ("take-profit" → "tp", "stop loss" →
 * "sl", "targets" → "target", "tp1" → "tp 1", "2nd" → "2"), emoji folded to ✅ ⛔ ❌, other punctuation
 * dropped, single spaces.
 */
function canonical(clause: string): string {
  let s = ` ${clause.toLowerCase()} `;
  s = s.replace(/[✔☑🟢💚]/gu, ' ✅ ').replace(/✅/gu, ' ✅ ');
  s = s.replace(/[🛑🚫⛔]/gu, ' ⛔ ').replace(/[❌❎✖]/gu, ' ❌ ');
  s = s.replace(/[^\p{L}\p{N}✅⛔❌]+/gu, ' ');
  s = s.replace(/(\p{L})(\d)/gu, '$1 $2').replace(/\b(\d{1,2})(?:st|nd|rd|th)\b/g, '$1');
  s = s.replace(
    / (first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)(?= )/g,
    (_m, w: string) => ` ${ORDINALS[w] ?? w}`,
  );
  s = s
    .replace(/ take ?profits?(?= )/g, ' tp')
    .replace(/ tps(?= )/g, ' tp')
    .replace(/ тп(?= )/g, ' tp');
  s = s.replace(/ (?:stop ?loss(?:es)?|stoploss|stop|стоп ?лосс|стоп|сл)(?= )/g, ' sl');
  s = s.replace(/ stopped(?: out)?(?= )/g, ' sl hit');
  s = s.replace(/ (?:targets|цели|цель|таргет)(?= )/g, ' target');
  s = s.replace(/ +/g, ' ');
  return s;
}

const HIT_WORDS =
  '(?:reached|reach|hit|hits|achieved|achieve|done|complete|completed|touched|touch|smashed|booked|secured|' +
  'taken|filled|triggered|activated|достигнута|достигнут|достигнуты|взята|взят|взяты|выполнена|отработала)';
const HIT = `(?:${HIT_WORDS}|✅)`;
const HIT_RE = new RegExp(` ${HIT}(?= )`);
const WORD_HIT_RE = new RegExp(` ${HIT_WORDS}(?= )`);
const WHOLE_HIT_RE = new RegExp(`^${HIT}$`);
const WHOLE_WORD_HIT_RE = new RegExp(`^${HIT_WORDS}$`);
const NEGATION_RE = / (?:not|no|didn t|didnt|never|yet|wasn t|hasn t|haven t|не)(?= )/;
const ENTRY_RE =
  / (all )?entr(?:y|ies)(?: target| order| point| zone| price)?(?: (\d{1,2}))?(?: is| was| has been| got)? (\S+)/;
const ORDER_FILLED_RE = / (?:order|position) (?:filled|opened|activated)(?= )| entered(?= )/;
const ALL_TP_RE = / all (?:the |our )?(?:tp )?(?:target|tp)(?= )/;
const TP_RE = / (?:tp|target)(?: target)?(?: no| number)? (\d{1,2})(?= )| (\d{1,2}) (?:tp|target)(?= )/g;
const SL_HIT_RE =
  / sl(?: target)?(?: is| was| has been| got)? (?:hit|hits|triggered|reached|touched|taken|activated|executed|✅|сработал)(?= )/;
const HIT_SL_RE = / (?:hit|hits|touched|reached)(?: the| our| my)? sl(?= )/;
const CLOSED_RE = / (?:closed|закрыт|закрыта|закрыли|закрываем)(?= )/;
const CLOSE_CMD_RE = / (?:close|exit)(?= )/;
const CLOSE_WHAT_RE =
  / (?:now|manually|position|positions|trade|trades|everything|all|early|here|immediately|asap)(?= )/;
const CANCELLED_RE = / (?:cancelled|canceled|cancellation|отмена|отменен|отменён|отменяем)(?= )| void(?= )/;
const CANCEL_CMD_RE = / cancel(?= )/;
const CANCEL_WHAT_RE = / (?:signal|trade|order|orders|setup|position|entry|call)(?= )/;
const CONDITION_RE = / (?:if|unless|will be|would be|could|might|when|once)(?= )/;
const CANDLE_RE = / (?:candle|closes|closing)(?= )/;
/** Clauses that boast about the past or advertise are not follow-ups to a live signal. */
const PROMO_RE =
  / (?:yesterday|last week|last month|members|results|accuracy|winrate|join|subscribe|vip|premium)(?= )/;
const BREAKEVEN_RE = / (?:breakeven|be|entry|безубыток|бу)(?= )/;
const AFTER_TP_PHRASE_RE =
  / (?:after|since) (?:reaching |hitting )?(?:the )?(?:tp|target)(?: \d{1,2})?(?= )/g;
const AFTER_TP_RE = / (?:after|reaching|post)(?= )/;

/** A cheap test that a line could say anything about an update at all; most lines of a signal cannot. */
const MAYBE_UPDATE_RE =
  /reach|hit|achiev|done|complet|touch|smash|book|secur|taken|fill|trigger|activ|stop|cancel|clos|exit|void|enter|open|[✅✔☑🟢💚⛔🛑🚫❌❎✖]|достиг|взят|выполн|отработ|отмен|закр|стоп|сработ/iu;

interface Hit {
  kind: UpdateKind;
  target: number | null;
  worded: boolean;
  line: number;
}

function clauseHits(c: string, line: number): Hit[] {
  const out: Hit[] = [];
  if (NEGATION_RE.test(c) || CONDITION_RE.test(c) || PROMO_RE.test(c)) return out;
  const hasHit = HIT_RE.test(c);
  const isWorded = WORD_HIT_RE.test(c);
  const entry = ENTRY_RE.exec(c);
  if (entry && WHOLE_HIT_RE.test(entry[3] ?? '')) {
    const n = entry[1] === undefined && entry[2] !== undefined ? Number(entry[2]) : null;
    out.push({ kind: 'ENTRY_FILLED', target: n, worded: WHOLE_WORD_HIT_RE.test(entry[3] ?? ''), line });
  } else if (ORDER_FILLED_RE.test(c)) out.push({ kind: 'ENTRY_FILLED', target: null, worded: true, line });
  // "entry target 1" is an entry, and "after TP1" only dates another event
  const noEntry = c.replace(/ entr(?:y|ies) target/g, ' entry').replace(AFTER_TP_PHRASE_RE, ' after');
  if (ALL_TP_RE.test(noEntry) && hasHit) out.push({ kind: 'ALL_TP', target: null, worded: isWorded, line });
  if (hasHit) {
    TP_RE.lastIndex = 0;
    for (let m = TP_RE.exec(noEntry); m !== null; m = TP_RE.exec(noEntry)) {
      out.push({ kind: 'TP_HIT', target: Number(m[1] ?? m[2]), worded: isWorded, line });
    }
  }
  const sl = / sl(?= )/.test(c);
  const atBreakeven = BREAKEVEN_RE.test(c);
  // stopped "after TP1" or at breakeven: the trade already took profit, so it is closed, not lost
  const afterTp = AFTER_TP_RE.test(c) && / (?:tp|target)(?= )/.test(c);
  if (SL_HIT_RE.test(c) || HIT_SL_RE.test(c)) {
    out.push({ kind: atBreakeven || afterTp ? 'CLOSED' : 'SL_HIT', target: null, worded: true, line });
  } else if (sl && / [⛔❌](?= )/u.test(c) && !/\d/.test(c))
    out.push({ kind: 'SL_HIT', target: null, worded: false, line });
  if (CANCELLED_RE.test(c) || (CANCEL_CMD_RE.test(c) && CANCEL_WHAT_RE.test(c))) {
    out.push({ kind: 'CANCELLED', target: null, worded: true, line });
  }
  if (!CANDLE_RE.test(c) && (CLOSED_RE.test(c) || (CLOSE_CMD_RE.test(c) && CLOSE_WHAT_RE.test(c)))) {
    if (sl && !afterTp && !atBreakeven) {
      out.push({ kind: 'SL_HIT', target: null, worded: true, line });
    } else out.push({ kind: 'CLOSED', target: null, worded: true, line });
  }
  return out;
}

/** Splits a line into clauses at , ; ! ? | ( ) and sentence dots (not decimal points). */
function clauses(line: string): string[] {
  return line.split(/[,;!?|()]|\.(?!\d)/);
}

function pick(hits: readonly Hit[], kind: UpdateKind): Hit | undefined {
  return hits.find((h) => h.kind === kind);
}

/**
 * Reads a follow-up: TP n hit, all targets, stop hit, cancelled, closed, entry filled.
 * A stop hit together with a take-profit hit is a CLOSED trade (stopped out after taking profit),
 * as is "Closed at stoploss after reaching take profit".
 */
export function detectUpdate(lines: readonly string[]): UpdateReading | null {
  const hits: Hit[] = [];
  lines.forEach((line, li) => {
    if (!MAYBE_UPDATE_RE.test(line)) return;
    for (const clause of clauses(line)) {
      if (MAYBE_UPDATE_RE.test(clause)) hits.push(...clauseHits(canonical(clause), li));
    }
  });
  if (hits.length === 0) return null;
  const sl = pick(hits, 'SL_HIT');
  const tp = pick(hits, 'TP_HIT') ?? pick(hits, 'ALL_TP');
  const closed = pick(hits, 'CLOSED');
  const line = hits.reduce((min, h) => Math.min(min, h.line), Number.MAX_SAFE_INTEGER);
  if (sl && (tp || closed)) return { kind: 'CLOSED', target: null, worded: true, line };
  const all = pick(hits, 'ALL_TP');
  if (all) return { ...all, line };
  if (sl) return { ...sl, line };
  const tps = hits.filter((h) => h.kind === 'TP_HIT');
  if (tps.length > 0) {
    const best = tps.reduce((a, b) => ((b.target ?? 0) > (a.target ?? 0) ? b : a));
    return { ...best, worded: tps.some((h) => h.worded), line };
  }
  const rest = pick(hits, 'CANCELLED') ?? closed ?? pick(hits, 'ENTRY_FILLED');
  return rest ? { ...rest, line } : null;
}
