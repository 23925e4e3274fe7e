export type LiveEventName =
  'ready' | 'signal' | 'signal_event' | 'position' | 'risk_block' | 'safety' | 'notification';

export const LIVE_EVENTS: readonly LiveEventName[] = [
  'ready',
  'signal',
  'signal_event',
  'position',
  'risk_block',
  'safety',
  'notification',
];

export interface StreamHandlers {
  onOpen(): void;
  onEvent(name: LiveEventName, data: Record<string, unknown>): void;
  /** The connection broke (it is not retried here; the caller decides). */
  onError(): void;
}

/** Parses one `text/event-stream` block (`event:` and `data:` lines). */
export function parseSseBlock(block: string): { event: string; data: string } | null {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':') || line === '') continue;
    const i = line.indexOf(':');
    const field = i === -1 ? line : line.slice(0, i);
    const value = i === -1 ? '' : line.slice(i + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return data.length ? { event, data: data.join('\n') } : null;
}
