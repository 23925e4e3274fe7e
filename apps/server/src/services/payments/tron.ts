import bs58check from 'bs58check';
import { dec, decStr, type Dec } from '@verzek/core';

/** keccak256("Transfer(address,address,uint256)"): topics[0] of every TRC-20 transfer log. */
export const TRANSFER_TOPIC = 'ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';

/** USDT (and every amount we accept) has 6 decimals on TRON. */
const USDT_DECIMALS = 6;

/** Base58check TRON address → 21-byte hex with the 0x41 prefix. Throws on a bad checksum or prefix. */
export function tronAddressToHex(address: string): string {
  let bytes: Uint8Array;
  try {
    bytes = bs58check.decode(address);
  } catch {
    throw new Error(`${address} is not a valid TRON address (bad base58 checksum)`);
  }
  if (bytes.length !== 21 || bytes[0] !== 0x41) {
    throw new Error(`${address} is not a TRON address (expected 21 bytes starting with 0x41)`);
  }
  return Buffer.from(bytes).toString('hex');
}

/** 20-byte hex (as in logs, without 41) or 21-byte hex → base58check. */
export function hexToTronAddress(hex: string): string {
  const h = strip0x(hex).toLowerCase();
  const full = h.length === 40 ? `41${h}` : h;
  return bs58check.encode(Buffer.from(full, 'hex'));
}

const strip0x = (s: string) => (s.startsWith('0x') || s.startsWith('0X') ? s.slice(2) : s);

/** The last 20 bytes of a hex value (a log address, or a 32-byte padded topic), lower-case. */
function last20(hex: string): string {
  return strip0x(hex).toLowerCase().slice(-40);
}

export interface TransferExpectation {
  txid: string;
  /** The operator's wallet, 21-byte hex (41…). */
  walletHex: string;
  /** The USDT contract, 21-byte hex (41…). */
  tokenHex: string;
  /** The least amount, in USDT. */
  minAmount: Dec;
  plan: string;
  /** The transfer must be in a block at or after this time (ms). */
  notBefore: number;
  maxAgeHours: number;
}

export type RejectionCode =
  'failed' | 'not_a_transfer' | 'wrong_token' | 'wrong_recipient' | 'too_old' | 'underpaid';

export type ChainVerdict =
  | { kind: 'confirmed'; paid: string; blockTime: number }
  | { kind: 'rejected'; code: RejectionCode; reason: string; paid?: string; blockTime?: number }
  /** walletsolidity answered `{}`: not final yet, or unknown. */
  | { kind: 'not_final' }
  /** The answer makes no sense (wrong id, missing fields): treated like a network error. */
  | { kind: 'malformed'; message: string };

interface TxLog {
  address?: unknown;
  topics?: unknown;
  data?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/**
 * Judges the answer of `POST /walletsolidity/gettransactioninfobyid` (final data only) against an
 * invoice. Pure: the caller fetched `info`.
 */
export function judgeTransactionInfo(info: unknown, exp: TransferExpectation): ChainVerdict {
  if (!isObject(info)) return { kind: 'malformed', message: 'answer is not a JSON object' };
  if (Object.keys(info).length === 0 || info.blockNumber === undefined) return { kind: 'not_final' };
  if (typeof info.id !== 'string' || info.id.toLowerCase() !== exp.txid) {
    return { kind: 'malformed', message: 'answer is about another transaction' };
  }
  const blockTime = Number(info.blockTimeStamp);
  if (!Number.isSafeInteger(blockTime) || blockTime <= 0) {
    return { kind: 'malformed', message: 'answer has no blockTimeStamp' };
  }
  const receipt = isObject(info.receipt) ? info.receipt : {};
  const receiptResult = typeof receipt.result === 'string' ? receipt.result : undefined;
  if (info.result === 'FAILED' || (receiptResult !== undefined && receiptResult !== 'SUCCESS')) {
    return {
      kind: 'rejected',
      code: 'failed',
      reason: `the transaction failed on chain (${receiptResult ?? 'FAILED'})`,
      blockTime,
    };
  }

  const logs = (Array.isArray(info.log) ? (info.log as unknown[]) : []).filter(isObject) as TxLog[];
  const transfers = logs.filter((l) => {
    const topics = Array.isArray(l.topics) ? (l.topics as unknown[]) : [];
    return (
      typeof l.address === 'string' &&
      topics.length >= 3 &&
      topics.every((t) => typeof t === 'string') &&
      strip0x(topics[0] as string).toLowerCase() === TRANSFER_TOPIC
    );
  });
  if (transfers.length === 0) {
    return {
      kind: 'rejected',
      code: 'not_a_transfer',
      reason: 'not a USDT transfer: the transaction carries no TRC-20 Transfer',
      blockTime,
    };
  }
  const token = last20(exp.tokenHex);
  const ofToken = transfers.filter((l) => last20(l.address as string) === token);
  if (ofToken.length === 0) {
    const other = hexToTronAddress(last20(transfers[0]!.address as string));
    return {
      kind: 'rejected',
      code: 'wrong_token',
      reason: `wrong token: the transfer is of token contract ${other}, not USDT`,
      blockTime,
    };
  }
  const wallet = last20(exp.walletHex);
  const toUs = ofToken.filter((l) => last20((l.topics as string[])[2]!) === wallet);
  if (toUs.length === 0) {
    const other = hexToTronAddress(last20((ofToken[0]!.topics as string[])[2]!));
    return {
      kind: 'rejected',
      code: 'wrong_recipient',
      reason: `wrong recipient: the USDT went to ${other}, not to the operator's wallet`,
      blockTime,
    };
  }
  let units = 0n;
  for (const l of toUs) {
    const data = typeof l.data === 'string' ? strip0x(l.data) : '';
    if (!/^[0-9a-fA-F]{1,64}$/.test(data))
      return { kind: 'malformed', message: 'transfer log without an amount' };
    units += BigInt(`0x${data}`);
  }
  const paid = decStr(dec(units.toString()).div(dec(10).pow(USDT_DECIMALS)));
  if (blockTime < exp.notBefore) {
    return {
      kind: 'rejected',
      code: 'too_old',
      reason: `too old: the transfer was made at ${new Date(blockTime).toISOString()}, more than ${exp.maxAgeHours} h before the payment was submitted`,
      paid,
      blockTime,
    };
  }
  if (dec(paid).lt(exp.minAmount)) {
    return {
      kind: 'rejected',
      code: 'underpaid',
      reason: `underpaid: received ${paid} USDT, the ${exp.plan} plan costs ${decStr(exp.minAmount)} USDT`,
      paid,
      blockTime,
    };
  }
  return { kind: 'confirmed', paid, blockTime };
}
