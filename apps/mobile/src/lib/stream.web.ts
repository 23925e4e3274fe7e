import { LIVE_EVENTS, type StreamHandlers } from './stream-types';

/** Browsers: the standard EventSource (the token goes in the URL; the server redacts it from logs). */
export function openStream(url: string, handlers: StreamHandlers): () => void {
  if (typeof EventSource === 'undefined') {
    handlers.onError();
    return () => undefined;
  }
  const source = new EventSource(url);
  source.onopen = () => handlers.onOpen();
  source.onerror = () => {
    source.close();
    handlers.onError();
  };
  for (const name of LIVE_EVENTS) {
    source.addEventListener(name, (e) => {
      try {
        handlers.onEvent(name, JSON.parse((e as MessageEvent<string>).data) as Record<string, unknown>);
      } catch {
        /* ignore a malformed event */
      }
    });
  }
  return () => source.close();
}
