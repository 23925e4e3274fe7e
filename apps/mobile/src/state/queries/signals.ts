import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useSession } from '../session';
import { useLive } from '../live';
import { keys } from './keys';

/** The feed, newest first; pages by cursor. Polls only while the live stream is down. */
export function useFeed() {
  const { api } = useSession();
  const { connected } = useLive();
  return useInfiniteQuery({
    queryKey: keys.feed,
    queryFn: ({ pageParam }) => api.signals.feed({ limit: 20, before: pageParam ?? undefined }),
    initialPageParam: null as number | null,
    getNextPageParam: (last) => last.next_cursor,
    refetchInterval: connected ? false : 15_000,
  });
}

export function useSignal(id: number) {
  const { api } = useSession();
  return useQuery({ queryKey: keys.signal(id), queryFn: () => api.signals.detail(id) });
}
