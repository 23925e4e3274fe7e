import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { openStream } from '../lib/stream';
import type { LiveEventName } from '../lib/stream-types';
import { keys } from './queries/keys';
import { useSession } from './session';

export interface RiskBlock {
  reason: string;
  code: string | null;
  symbol: string | null;
  at: number;
}

export interface Live {
  /** The stream is up: queries stop polling fast. Down: they poll (the fallback). */
  connected: boolean;
  /** The latest blocked trade (the risk engine's reason), until dismissed. */
  lastBlock: RiskBlock | null;
  dismissBlock(): void;
}

const LiveContext = createContext<Live>({ connected: false, lastBlock: null, dismissBlock: () => undefined });

export function useLive(): Live {
  return useContext(LiveContext);
}

const RETRY_MS = [1_000, 3_000, 10_000, 30_000];

/**
 * Keeps one live stream open while signed in; each event invalidates the queries it changes. When
 * the stream breaks it retries with back-off; meanwhile `connected` is false and the feed and
 * positions poll.
 */
export function LiveProvider({ children, enabled = true }: { children: ReactNode; enabled?: boolean }) {
  const { api, status } = useSession();
  const qc = useQueryClient();
  const [connected, setConnected] = useState(false);
  const [lastBlock, setLastBlock] = useState<RiskBlock | null>(null);
  const failures = useRef(0);

  useEffect(() => {
    if (!enabled || status !== 'signed-in') return;
    let stop: (() => void) | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let alive = true;

    const handle = (name: LiveEventName, data: Record<string, unknown>) => {
      switch (name) {
        case 'signal':
        case 'signal_event':
          void qc.invalidateQueries({ queryKey: ['signals'] });
          break;
        case 'position':
          void qc.invalidateQueries({ queryKey: ['positions'] });
          void qc.invalidateQueries({ queryKey: keys.limits });
          if (typeof data.signal_id === 'number')
            void qc.invalidateQueries({ queryKey: keys.signal(data.signal_id) });
          break;
        case 'risk_block':
          setLastBlock({
            reason: typeof data.reason === 'string' ? data.reason : 'A trade was blocked by the risk engine',
            code: typeof data.code === 'string' ? data.code : null,
            symbol: typeof data.symbol === 'string' ? data.symbol : null,
            at: Date.now(),
          });
          void qc.invalidateQueries({ queryKey: keys.widget });
          break;
        case 'safety':
          void qc.invalidateQueries({ queryKey: ['safety'] });
          break;
        default:
          break;
      }
    };

    const connect = async () => {
      // A fresh access token for the URL (EventSource can't refresh on 401 by itself).
      await api.auth.me().catch(() => undefined);
      const url = await api.streamUrl();
      if (!alive || !url) return;
      stop = openStream(url, {
        onOpen: () => {
          failures.current = 0;
          setConnected(true);
          // Whatever happened while we were away.
          void qc.invalidateQueries({ queryKey: ['positions'] });
          void qc.invalidateQueries({ queryKey: ['signals'] });
        },
        onEvent: handle,
        onError: () => {
          setConnected(false);
          stop?.();
          stop = null;
          if (!alive) return;
          const wait = RETRY_MS[Math.min(failures.current, RETRY_MS.length - 1)] ?? 30_000;
          failures.current += 1;
          timer = setTimeout(() => void connect(), wait);
        },
      });
    };
    void connect();
    return () => {
      alive = false;
      if (timer) clearTimeout(timer);
      stop?.();
      setConnected(false);
    };
  }, [api, enabled, qc, status]);

  return (
    <LiveContext.Provider value={{ connected, lastBlock, dismissBlock: () => setLastBlock(null) }}>
      {children}
    </LiveContext.Provider>
  );
}
