import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** USDT's TRC-20 contract on TRON mainnet, as 21-byte hex (TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t). */
export const USDT_CONTRACT_HEX = '41a614f803b6fd780986a42c78ec9c7f77e6ded13c';
const TRANSFER_TOPIC = 'ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';

/** A scripted TRC-20 transfer the fake knows about. Addresses are hex (41-prefixed or 20 bytes). */
export interface FakeTransfer {
  txid: string;
  /** Recipient. */
  to: string;
  from?: string;
  /** Token contract; USDT by default ("other token" scenario: anything else). */
  token?: string;
  /** In the token's smallest unit (USDT: 6 decimals): 50 USDT = 50_000_000n. */
  amount: bigint;
  blockTimeStamp: number;
  /** receipt.result; anything but SUCCESS is a failed transaction (no logs, result FAILED). */
  result?: 'SUCCESS' | 'REVERT' | 'OUT_OF_ENERGY' | 'OUT_OF_TIME';
  /**
   * 'final' (default): solidified, answered by /walletsolidity. 'pending': in a block but not yet
   * solidified — /walletsolidity answers {} while /wallet knows it. Change with `finalize`.
   */
  state?: 'final' | 'pending';
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

type Fault = { kind: 'status'; status: number } | { kind: 'hang'; ms: number } | { kind: 'garbage' };

const hex20 = (addr: string) => addr.toLowerCase().replace(/^0x/, '').slice(-40);
const pad32 = (hex: string) => hex.padStart(64, '0');

/**
 * A TronGrid (java-tron HTTP API) on 127.0.0.1 that answers what the payment verifier asks, with
 * scripted transactions: `POST /walletsolidity/gettransactioninfobyid` and
 * `POST /wallet/gettransactioninfobyid` (TransactionInfo: id, blockNumber, blockTimeStamp, receipt,
 * log[] with the address without 41, topics and data as bare hex), and
 * `POST /wallet{,solidity}/gettransactionbyid`. Unknown ids (and non-final ones on /walletsolidity)
 * get `{}`, like the real node. Every request is recorded; faults (5xx, hangs, garbage) can be
 * queued for the next requests.
 */
export class FakeTronGrid {
  readonly requests: RecordedRequest[] = [];
  private readonly transfers = new Map<string, FakeTransfer>();
  private readonly faults: Fault[] = [];
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private block = 70_000_000;
  url = '';

  constructor() {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Adds (or replaces) a scripted transfer. */
  addTransfer(t: FakeTransfer): FakeTransfer {
    const transfer = { ...t, txid: t.txid.toLowerCase() };
    this.transfers.set(transfer.txid, transfer);
    return transfer;
  }

  /** A pending transfer becomes final (solidified). */
  finalize(txid: string): void {
    const t = this.transfers.get(txid.toLowerCase());
    if (!t) throw new Error(`unknown txid ${txid}`);
    t.state = 'final';
  }

  /** The next `count` requests answer HTTP `status` (e.g. 503). */
  failNext(count: number, status = 503): void {
    for (let i = 0; i < count; i++) this.faults.push({ kind: 'status', status });
  }

  /** The next `count` requests get no answer for `ms` (a client timeout shorter than that fires). */
  hangNext(count: number, ms = 5_000): void {
    for (let i = 0; i < count; i++) this.faults.push({ kind: 'hang', ms });
  }

  /** The next `count` requests get a body that is not JSON. */
  garbageNext(count: number): void {
    for (let i = 0; i < count; i++) this.faults.push({ kind: 'garbage' });
  }

  /** Drops every queued fault. */
  heal(): void {
    this.faults.length = 0;
  }

  /** Requests to one path (e.g. '/walletsolidity/gettransactioninfobyid'). */
  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      /* recorded as text */
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    this.requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });

    const fault = this.faults.shift();
    if (fault?.kind === 'status') return this.send(res, fault.status, { Error: 'fake TronGrid fault' });
    if (fault?.kind === 'hang') {
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
      if (res.destroyed) return;
    }
    if (fault?.kind === 'garbage') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>bad gateway</html>');
      return;
    }

    if (req.method !== 'POST') return this.send(res, 405, { Error: 'use POST' });
    const value = typeof body === 'object' && body !== null ? (body as { value?: unknown }).value : undefined;
    if (typeof value !== 'string' || !/^[0-9a-fA-F]{64}$/.test(value)) {
      // java-tron answers its own errors with HTTP 200 and an "Error" field.
      return this.send(res, 200, {
        Error: 'class java.lang.IllegalArgumentException : invalid transaction id',
      });
    }
    const t = this.transfers.get(value.toLowerCase());
    const solidity = path.startsWith('/walletsolidity/');
    const visible = t !== undefined && (!solidity || (t.state ?? 'final') === 'final');
    switch (path) {
      case '/walletsolidity/gettransactioninfobyid':
      case '/wallet/gettransactioninfobyid':
        return this.send(res, 200, visible ? this.info(t) : {});
      case '/walletsolidity/gettransactionbyid':
      case '/wallet/gettransactionbyid':
        return this.send(res, 200, visible ? this.transaction(t) : {});
      default:
        return this.send(res, 404, { Error: `no such endpoint ${path}` });
    }
  }

  private send(res: http.ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  private info(t: FakeTransfer): Record<string, unknown> {
    const token = t.token ?? USDT_CONTRACT_HEX;
    const result = t.result ?? 'SUCCESS';
    const failed = result !== 'SUCCESS';
    const base: Record<string, unknown> = {
      id: t.txid,
      fee: 13_844_850,
      blockNumber: this.block++,
      blockTimeStamp: t.blockTimeStamp,
      contractResult: [failed ? '' : pad32('1')],
      contract_address: `41${hex20(token)}`,
      receipt: {
        energy_usage_total: 130_285,
        energy_fee: 13_499_850,
        net_usage: 345,
        result,
      },
    };
    if (failed) {
      return { ...base, result: 'FAILED', resMessage: Buffer.from('REVERT opcode executed').toString('hex') };
    }
    return {
      ...base,
      log: [
        {
          address: hex20(token),
          topics: [TRANSFER_TOPIC, pad32(hex20(t.from ?? `41${'11'.repeat(20)}`)), pad32(hex20(t.to))],
          data: pad32(t.amount.toString(16)),
        },
      ],
    };
  }

  private transaction(t: FakeTransfer): Record<string, unknown> {
    const token = t.token ?? USDT_CONTRACT_HEX;
    // transfer(address,uint256) call data, as a wallet would build it.
    const data = `a9059cbb${pad32(hex20(t.to))}${pad32(t.amount.toString(16))}`;
    return {
      ret: [{ contractRet: t.result ?? 'SUCCESS' }],
      signature: [createHash('sha256').update(t.txid).digest('hex').repeat(2) + '1b'],
      txID: t.txid,
      raw_data: {
        contract: [
          {
            parameter: {
              value: {
                data,
                owner_address: `41${hex20(t.from ?? `41${'11'.repeat(20)}`)}`,
                contract_address: `41${hex20(token)}`,
              },
              type_url: 'type.googleapis.com/protocol.TriggerSmartContract',
            },
            type: 'TriggerSmartContract',
          },
        ],
        ref_block_bytes: 'b1a2',
        ref_block_hash: '0c4b3a2f1e0d9c8b',
        expiration: t.blockTimeStamp + 60_000,
        fee_limit: 100_000_000,
        timestamp: t.blockTimeStamp - 3_000,
      },
    };
  }
}
