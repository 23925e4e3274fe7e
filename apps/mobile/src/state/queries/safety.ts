import { useQuery } from '@tanstack/react-query';
import { useSession } from '../session';
import { keys } from './keys';

/** The safety badge: polled every 60 s (and refreshed at once by live `safety` events). */
export function useSafetyWidget() {
  const { api } = useSession();
  return useQuery({ queryKey: keys.widget, queryFn: () => api.safety.widget(), refetchInterval: 60_000 });
}

export function useRiskLimits() {
  const { api } = useSession();
  return useQuery({ queryKey: keys.limits, queryFn: () => api.safety.limits() });
}
