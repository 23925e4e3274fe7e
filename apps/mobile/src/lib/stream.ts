import { LIVE_EVENTS, parseSseBlock, type LiveEventName, type StreamHandlers } from './stream-types';

/**
 * iOS and Android have no EventSource: read the stream through XMLHttpRequest, whose responseText
 * grows as chunks arrive, and parse the blocks ourselves.
 */
export function openStream(url: string, handlers: StreamHandlers): () => void {
  const xhr = new XMLHttpRequest();
  let seen = 0;
  let buffer = '';
  let opened = false;
  let closed = false;
  xhr.open('GET', url);
  xhr.setRequestHeader('accept', 'text/event-stream');
  xhr.onreadystatechange = () => {
    if (xhr.readyState >= 2 && !opened && xhr.status === 200) {
      opened = true;
      handlers.onOpen();
    }
    if (xhr.readyState >= 3 && xhr.status === 200) {
      buffer += xhr.responseText.slice(seen);
      seen = xhr.responseText.length;
      let end = buffer.indexOf('\n\n');
      while (end !== -1) {
        const parsed = parseSseBlock(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (parsed && (LIVE_EVENTS as readonly string[]).includes(parsed.event)) {
          try {
            handlers.onEvent(
              parsed.event as LiveEventName,
              JSON.parse(parsed.data) as Record<string, unknown>,
            );
          } catch {
            /* ignore a malformed event */
          }
        }
        end = buffer.indexOf('\n\n');
      }
    }
    if (xhr.readyState === 4 && !closed) {
      closed = true;
      handlers.onError();
    }
  };
  xhr.onerror = () => {
    if (!closed) {
      closed = true;
      handlers.onError();
    }
  };
  xhr.send();
  return () => {
    closed = true;
    xhr.abort();
  };
}
