import type { CodeVerdict } from './errors';

/**
 * Bybit v5 retCodes whose meaning matters more than ccxt's class for them (ccxt maps 10016 "internal
 * error" to a plain ExchangeError, which would read as a refusal of a write that may have happened).
 * Sources: Bybit's v5 error-code list and the pinned ccxt's bybit exception table.
 */
export const BYBIT_CODES: Readonly<Record<string, CodeVerdict>> = {
  '10000': 'unknown', // server timeout
  '10016': 'unknown', // internal / service error: execution status unknown
  '10019': 'unknown', // service restarting
  '10002': 'resync', // timestamp or recv_window outside the allowed range
  '10003': 'auth', // API key invalid
  '10004': 'auth', // signature error
  '10005': 'auth', // permission denied for this key
  '10007': 'auth', // authentication failed
  '10009': 'auth', // IP banned
  '10010': 'auth', // request IP not in the key's whitelist
  '33004': 'auth', // API key expired
  '10006': 'rate_limited', // too many visits (per-UID, per-endpoint limit)
  '10018': 'rate_limited', // IP rate limit
  '110001': 'not_found', // order does not exist
  '110008': 'not_found', // order already finished or cancelled
  '10001': 'rejected', // parameter error (qty / price precision, symbol…)
  '110003': 'rejected', // price out of range
  '110004': 'rejected', // insufficient wallet balance
  '110007': 'rejected', // available balance not enough
  '110009': 'rejected', // too many stop orders
  '110012': 'rejected',
  '110017': 'rejected', // reduce-only rule not satisfied
  '110020': 'rejected', // more than 500 active orders
  '110024': 'rejected', // position exists: position mode cannot change
  '110028': 'rejected', // open orders exist: position mode cannot change
  '110043': 'rejected', // leverage not modified (handled: already set)
  '110025': 'rejected', // position mode not modified (handled)
  '110026': 'rejected', // margin mode not modified (handled)
  '110072': 'rejected', // duplicate orderLinkId (handled: it is ours)
  '110092': 'rejected', // conditional order would trigger at once (rising)
  '110093': 'rejected', // idem (falling)
  '110094': 'rejected', // below the minimum order value
  '3400045': 'rejected', // set margin mode failed
};
