/**
 * Telegram's HTML parse mode (https://core.telegram.org/bots/api#html-style): every `<`, `>` and `&`
 * that is not markup must be an entity. Everything we put into a template goes through `esc`.
 */
export function esc(text: string | number): string {
  return String(text).replace(/[&<>"]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;',
  );
}

export const b = (text: string | number) => `<b>${esc(text)}</b>`;
export const code = (text: string | number) => `<code>${esc(text)}</code>`;
export const i = (text: string | number) => `<i>${esc(text)}</i>`;

/** Telegram's limit for one message, in characters of text after the markup is parsed. */
export const MAX_MESSAGE_CHARS = 4096;

/**
 * Keeps a rendered message under Telegram's limit: whole lines are dropped from the end (a line never
 * splits a tag, since every template closes its tags on the line that opens them) and an ellipsis
 * line says so.
 */
export function fitMessage(html: string, max = MAX_MESSAGE_CHARS): string {
  if (visibleLength(html) <= max) return html;
  const lines = html.split('\n');
  // Each line's visible length once; `total` is the kept lines plus their newlines.
  const lengths = lines.map(visibleLength);
  let kept = lines.length;
  let total = lengths.reduce((sum, n) => sum + n, 0) + lines.length - 1;
  while (kept > 1 && total + 2 > max) {
    kept -= 1;
    total -= lengths[kept]! + 1;
  }
  const head = lines.slice(0, kept).join('\n');
  if (total + 2 <= max) return `${head}\n…`;
  // One huge line (a notice with a long text): cut the visible text itself.
  return `${esc(decodeEntities(stripTags(head)).slice(0, max - 1))}…`;
}

/** The text length Telegram counts: tags removed, entities as one character. */
export function visibleLength(html: string): number {
  return decodeEntities(stripTags(html)).length;
}

function stripTags(html: string): string {
  return html.replace(/<[^>]*>/g, '');
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

/** The text an HTML fragment stands for (the four named entities and numeric ones). */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X'))
      return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
    return NAMED[name.toLowerCase()] ?? whole;
  });
}
