import bs58check from 'bs58check';
import { dec } from '@verzek/core';
import { describe, expect, it } from 'vitest';
import {
  hexToTronAddress,
  judgeTransactionInfo,
  TRANSFER_TOPIC,
  tronAddressToHex,
  type TransferExpectation,
} from './tron';

const USDT = 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t';
const USDT_HEX = '41a614f803b6fd780986a42c78ec9c7f77e6ded13c';
const wallet = bs58check.encode(Buffer.from(`41${'ab'.repeat(20)}`, 'hex'));
const txid = 'c'.repeat(64);
const t0 = Date.UTC(2026, 10, 22, 12);

const exp: TransferExpectation = {
  txid,
  walletHex: tronAddressToHex(wallet),
  tokenHex: USDT_HEX,
  minAmount: dec('50'),
  plan: 'VIP',
  notBefore: t0 - 24 * 3_600_000,
  maxAgeHours: 24,
};

const pad = (h: string) => h.padStart(64, '0');
function info(over: { to?: string; token?: string; units?: bigint; at?: number; result?: string } = {}) {
  return {
    id: txid,
    blockNumber: 1,
    blockTimeStamp: over.at ?? t0,
    receipt: { result: over.result ?? 'SUCCESS', energy_usage_total: 1 },
    log: [
      {
        address: (over.token ?? USDT_HEX).slice(2),
        topics: [TRANSFER_TOPIC, pad('11'.repeat(20)), pad((over.to ?? exp.walletHex).slice(2))],
        data: pad((over.units ?? 50_000_000n).toString(16)),
      },
    ],
  };
}

describe('TRON addresses', () => {
  it('converts base58check to hex and back', () => {
    expect(tronAddressToHex(USDT)).toBe(USDT_HEX);
    expect(hexToTronAddress(USDT_HEX)).toBe(USDT);
    expect(hexToTronAddress(USDT_HEX.slice(2))).toBe(USDT);
  });

  it('refuses a bad checksum and non-TRON payloads', () => {
    expect(() => tronAddressToHex(USDT.slice(0, -1) + (USDT.endsWith('t') ? 'u' : 't'))).toThrow(/checksum/);
    const bitcoin = bs58check.encode(Buffer.from(`00${'ab'.repeat(20)}`, 'hex'));
    expect(() => tronAddressToHex(bitcoin)).toThrow(/0x41/);
  });
});

describe('judgeTransactionInfo', () => {
  it('confirms a final USDT transfer of at least the price to the wallet, in exact decimals', () => {
    expect(judgeTransactionInfo(info({ units: 50_000_001n }), exp)).toEqual({
      kind: 'confirmed',
      paid: '50.000001',
      blockTime: t0,
    });
  });

  it('reads an empty object as not final (or unknown)', () => {
    expect(judgeTransactionInfo({}, exp)).toEqual({ kind: 'not_final' });
  });

  it('rejects failed, foreign-token, foreign-recipient, too old and underpaid transfers with reasons', () => {
    const cases: [ReturnType<typeof info>, string, RegExp][] = [
      [info({ result: 'REVERT' }), 'failed', /failed on chain \(REVERT\)/],
      [info({ token: `41${'99'.repeat(20)}` }), 'wrong_token', /wrong token: .* not USDT/],
      [info({ to: `41${'77'.repeat(20)}` }), 'wrong_recipient', /wrong recipient/],
      [info({ at: exp.notBefore - 1 }), 'too_old', /too old: .* more than 24 h/],
      [
        info({ units: 49_999_999n }),
        'underpaid',
        /underpaid: received 49\.999999 USDT, the VIP plan costs 50 USDT/,
      ],
    ];
    for (const [answer, code, reason] of cases) {
      const v = judgeTransactionInfo(answer, exp);
      expect(v.kind, code).toBe('rejected');
      if (v.kind === 'rejected') {
        expect(v.code).toBe(code);
        expect(v.reason).toMatch(reason);
      }
    }
  });

  it('rejects a plain TRX transfer (no result, no logs) as not a USDT transfer', () => {
    const v = judgeTransactionInfo(
      { id: txid, blockNumber: 1, blockTimeStamp: t0, receipt: { net_usage: 268 } },
      exp,
    );
    expect(v).toMatchObject({ kind: 'rejected', code: 'not_a_transfer' });
  });

  it('treats answers about another transaction or without a time as malformed (retried, not decided)', () => {
    expect(judgeTransactionInfo({ ...info(), id: 'd'.repeat(64) }, exp).kind).toBe('malformed');
    expect(judgeTransactionInfo({ ...info(), blockTimeStamp: undefined }, exp).kind).toBe('malformed');
    expect(judgeTransactionInfo('nope', exp).kind).toBe('malformed');
  });

  it('adds up several USDT transfers to the wallet in one transaction (batch senders)', () => {
    const one = info({ units: 30_000_000n });
    const two = { ...one, log: [...one.log, { ...one.log[0]!, data: pad(20_000_000n.toString(16)) }] };
    expect(judgeTransactionInfo(two, exp)).toMatchObject({ kind: 'confirmed', paid: '50' });
  });
});
