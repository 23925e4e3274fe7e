import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSession, useUser } from '../session';
import { keys } from './keys';

type Section = 'general' | 'risk' | 'strategy' | 'dca';

export function useGeneral() {
  const { api } = useSession();
  const user = useUser();
  return useQuery({ queryKey: keys.settings('general'), queryFn: () => api.settings.general(user.id) });
}
export function useRisk() {
  const { api } = useSession();
  const user = useUser();
  return useQuery({ queryKey: keys.settings('risk'), queryFn: () => api.settings.risk(user.id) });
}
export function useStrategy() {
  const { api } = useSession();
  const user = useUser();
  return useQuery({ queryKey: keys.settings('strategy'), queryFn: () => api.settings.strategy(user.id) });
}
export function useDca() {
  const { api } = useSession();
  const user = useUser();
  return useQuery({ queryKey: keys.settings('dca'), queryFn: () => api.settings.dca(user.id) });
}

/** Saves part of a section and puts the server's answer in the cache. */
export function useSaveSettings<T>(section: Section, save: (id: number, body: T) => Promise<unknown>) {
  const user = useUser();
  const qc = useQueryClient();
  const { reloadUser } = useSession();
  return useMutation({
    mutationFn: (body: T) => save(user.id, body),
    onSuccess: async (data) => {
      qc.setQueryData(keys.settings(section), data);
      if (section === 'strategy') {
        await reloadUser().catch(() => undefined);
        await qc.invalidateQueries({ queryKey: keys.limits });
      }
      if (section === 'risk') await qc.invalidateQueries({ queryKey: keys.limits });
    },
  });
}

export function useExchange() {
  const { api } = useSession();
  return useQuery({
    queryKey: keys.exchange,
    queryFn: () =>
      api.exchanges.me().catch((e: { status?: number }) => (e.status === 404 ? null : Promise.reject(e))),
  });
}
