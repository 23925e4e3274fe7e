import type { ExchangeAccount } from '@verzek/exchange';
import type { VenueRegistry } from '../trading/venues/venue-registry';
import type { ServerMetrics } from './server-metrics';

/** Times one venue call, success or failure. */
async function timed<T>(metrics: ServerMetrics, venue: string, op: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  let ok = false;
  try {
    const result = await fn();
    ok = true;
    return result;
  } finally {
    metrics.venueCall(venue, op, ok, (performance.now() - started) / 1000);
  }
}

/** An account whose every call to its venue is observed in `verzek_venue_call_duration_seconds`. */
export function timedAccount(account: ExchangeAccount, metrics: ServerMetrics): ExchangeAccount {
  const v = account.venue;
  return {
    venue: v,
    loadMarket: (symbol) => timed(metrics, v, 'load_market', () => account.loadMarket(symbol)),
    setLeverage: (symbol, leverage, marginMode) =>
      timed(metrics, v, 'set_leverage', () => account.setLeverage(symbol, leverage, marginMode)),
    placeOrder: (request) => timed(metrics, v, 'place_order', () => account.placeOrder(request)),
    cancelOrder: (symbol, id, hint) =>
      timed(metrics, v, 'cancel_order', () => account.cancelOrder(symbol, id, hint)),
    fetchOrder: (symbol, id, hint) =>
      timed(metrics, v, 'fetch_order', () => account.fetchOrder(symbol, id, hint)),
    fetchOpenOrders: (symbol) =>
      timed(metrics, v, 'fetch_open_orders', () => account.fetchOpenOrders(symbol)),
    fetchBalance: () => timed(metrics, v, 'fetch_balance', () => account.fetchBalance()),
    fetchPosition: (symbol) => timed(metrics, v, 'fetch_position', () => account.fetchPosition(symbol)),
  };
}

/**
 * The registry the position engine places orders through: the same venues, each account timed. This
 * is the one door between the engine and the venues (paper included), so every order call is seen.
 */
export function timedVenues(venues: VenueRegistry, metrics: ServerMetrics): VenueRegistry {
  return {
    account: (row, options) => timedAccount(venues.account(row, options), metrics),
    onOrderUpdate: (listener) => venues.onOrderUpdate(listener),
    start: () => venues.start(),
    stop: () => venues.stop(),
  };
}
