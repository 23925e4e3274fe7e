import { useQuery } from '@tanstack/react-query';
import { useSession } from '../session';
import { keys } from './keys';

export function usePlans() {
  const { api } = useSession();
  return useQuery({ queryKey: keys.plans, queryFn: () => api.payments.plans() });
}

/** My payments; re-checked every 20 s while one is pending (the server verifies on chain). */
export function useMyPayments() {
  const { api } = useSession();
  return useQuery({
    queryKey: keys.payments,
    queryFn: () => api.payments.mine({ limit: 20 }),
    refetchInterval: (q) => (q.state.data?.items.some((p) => p.status === 'PENDING') ? 20_000 : false),
  });
}
