import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSession } from '../session';
import { useLive } from '../live';
import { keys } from './keys';

export function useOpenPositions() {
  const { api } = useSession();
  const { connected } = useLive();
  return useQuery({
    queryKey: keys.positions,
    queryFn: () => api.trading.positions({ status: 'live' }),
    refetchInterval: connected ? 60_000 : 10_000,
  });
}

export function useHistory(days = 30) {
  const { api } = useSession();
  return useQuery({ queryKey: keys.history(days), queryFn: () => api.trading.history({ days }) });
}

export function useOrders(positionId: number) {
  const { api } = useSession();
  return useQuery({ queryKey: keys.orders(positionId), queryFn: () => api.trading.orders(positionId) });
}

export function useClosePosition() {
  const { api } = useSession();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api.trading.close(id, 'closed from the app'),
    onSettled: () => qc.invalidateQueries({ queryKey: ['positions'] }),
  });
}
