/** Only the start of a message is read: signals are short, and this bounds the work on any input. */
export const MAX_TEXT_CHARS = 8192;
export const MAX_LINES = 200;
export const MAX_LINE_CHARS = 600;

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  '#36': '$',
  '#35': '#',
};

/**
 * Removes what decorates a message without carrying meaning: HTML tags and entities, markdown bold/
 * italic/code/spoiler markers, links and @mentions, invisible characters; folds look-alike characters
 * (NFKC turns "𝐁𝐓𝐂" into "BTC" and "１" into "1"; dashes and full-width colons become ASCII).
 * Returns at most MAX_LINES lines of at most MAX_LINE_CHARS characters.
 */
export function prepareLines(text: string): string[] {
  let s = text.length > MAX_TEXT_CHARS ? text.slice(0, MAX_TEXT_CHARS) : text;
  s = s.normalize('NFKC');
  s = s.replace(/<\/?[a-zA-Z][a-zA-Z0-9]{0,10}(?:\s[^<>\n]{0,200})?\/?>/g, ' ');
  s = s.replace(/&(#?[a-z0-9]{2,6});/gi, (m: string, name: string) => ENTITIES[name.toLowerCase()] ?? m);
  s = s.replace(/\b(?:https?:\/\/|www\.|t\.me\/)[^\s<>]{0,500}/gi, ' ');
  s = s.replace(/(^|[^A-Za-z0-9])@[A-Za-z_][A-Za-z0-9_]{2,40}/g, '$1 ');
  s = s.replace(/[\u200B-\u200D\u2060\uFEFF\u00AD]/g, '');
  s = s.replace(/[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g, '-');
  s = s.replace(/[\u00A0\u2000-\u200A\u202F\u205F\u3000\t]/g, ' ');
  s = s.replace(/\*\*|__|\|\||~~|`+/g, ' ');
  s = s.replace(/[*]/g, ' ');
  const lines = s.split(/\r\n|\r|\n|\u2028|\u2029/);
  const out: string[] = [];
  for (const line of lines) {
    if (out.length >= MAX_LINES) break;
    const trimmed = line.trim();
    if (trimmed.length === 0) continue;
    out.push(trimmed.length > MAX_LINE_CHARS ? trimmed.slice(0, MAX_LINE_CHARS) : trimmed);
  }
  return out;
}
