/** Query keys, so live events can invalidate exactly what they change. */
export const keys = {
  me: ['me'] as const,
  feed: ['signals', 'feed'] as const,
  signal: (id: number) => ['signals', 'detail', id] as const,
  positions: ['positions', 'open'] as const,
  history: (days: number) => ['positions', 'history', days] as const,
  orders: (id: number) => ['positions', 'orders', id] as const,
  widget: ['safety', 'widget'] as const,
  safetyStatus: ['safety', 'status'] as const,
  limits: ['risk', 'limits'] as const,
  settings: (section: string) => ['settings', section] as const,
  exchange: ['exchange'] as const,
  plans: ['plans'] as const,
  payments: ['payments', 'me'] as const,
  telegram: ['telegram'] as const,
  admin: (what: string, ...rest: unknown[]) => ['admin', what, ...rest] as const,
};
