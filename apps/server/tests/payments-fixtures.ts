import { createHash, randomBytes } from 'node:crypto';
import bs58check from 'bs58check';
import { FakeTronGrid, type FakeTransfer, type TestDatabase } from '@verzek/test-support';
import { tronAddressToHex } from '../src/services/payments/tron';
import { verifyDuePayments } from '../src/services/payments/verifier';
import { startTestServer, type Session, type TestServer } from './harness';

export const DAY = 86_400_000;
export const HOUR = 3_600_000;

/** A valid TRON address (base58check, 0x41 prefix) derived from a seed. */
export function tronAddress(seed: string): string {
  const body = createHash('sha256').update(seed).digest().subarray(0, 20);
  return bs58check.encode(Buffer.concat([Buffer.from([0x41]), body]));
}

export const OPERATOR_WALLET = tronAddress('operator wallet');
export const OPERATOR_WALLET_HEX = tronAddressToHex(OPERATOR_WALLET);
export const TRONGRID_KEY = 'test-trongrid-api-key-0123456789';

export const newTxid = () => randomBytes(32).toString('hex');

/** "50.25" USDT → 50_250_000n (6 decimals). */
export function usdt(amount: string): bigint {
  const [whole = '0', frac = ''] = amount.split('.');
  return BigInt(whole) * 1_000_000n + BigInt(frac.padEnd(6, '0').slice(0, 6) || '0');
}

export interface PaymentWorld {
  s: TestServer;
  fake: FakeTronGrid;
  close(): Promise<void>;
}

/** A test server whose payments go to the fake TronGrid, with the operator's wallet set. */
export async function startPaymentWorld(
  t: TestDatabase,
  env: Record<string, string> = {},
): Promise<PaymentWorld> {
  const fake = new FakeTronGrid();
  const url = await fake.start();
  const s = await startTestServer(t, {
    env: { TRON_WALLET_ADDRESS: OPERATOR_WALLET, TRONGRID_URL: url, TRONGRID_API_KEY: TRONGRID_KEY, ...env },
  });
  return {
    s,
    fake,
    async close() {
      await s.close();
      await fake.stop();
    },
  };
}

/** Scripts a transfer on the fake chain: by default a final payment of `amount` USDT to the operator, a minute ago. */
export function chainTransfer(
  w: PaymentWorld,
  amount: string,
  over: Partial<FakeTransfer> = {},
): FakeTransfer {
  return w.fake.addTransfer({
    txid: newTxid(),
    to: OPERATOR_WALLET_HEX,
    amount: usdt(amount),
    blockTimeStamp: w.s.clock.now() - 60_000,
    ...over,
  });
}

export interface PaymentBody {
  id: number;
  status: string;
  reason: string | null;
  plan: string;
  tx_hash: string;
  amount_usdt: string;
  paid_usdt: string | null;
  plan_expires_at: string | null;
  resulting_plan: string | null;
  checks: number;
  next_check_at: string | null;
}

export async function submit(w: PaymentWorld, user: Session, plan: 'VIP' | 'PREMIUM', txid: string) {
  return w.s.api.post<PaymentBody>(
    '/api/payments/usdt/initiate',
    { plan, tx_hash: txid, network: 'TRC20' },
    user.token,
  );
}

/** One verifier pass (what the verify-payments job does every 30 s). */
export function runVerifier(w: PaymentWorld, timeoutMs = 2_000) {
  return verifyDuePayments(w.s.ctx, { timeoutMs });
}

export async function paymentByHash(w: PaymentWorld, txid: string) {
  return w.s.ctx.db.selectFrom('payments').selectAll().where('tx_hash', '=', txid).executeTakeFirstOrThrow();
}

export async function userRow(w: PaymentWorld, id: number) {
  return w.s.ctx.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

export async function notificationsOf(
  w: PaymentWorld,
  filter: { audience?: 'user' | 'admin'; userId?: number; kind?: string },
) {
  let q = w.s.ctx.db.selectFrom('notifications').selectAll();
  if (filter.audience) q = q.where('audience', '=', filter.audience);
  if (filter.userId !== undefined) q = q.where('user_id', '=', filter.userId);
  if (filter.kind) q = q.where('kind', '=', filter.kind);
  return q.orderBy('id', 'asc').execute();
}

/** Logs the session in again (access tokens live an hour; tests move the clock by days). */
export async function relogin(s: TestServer, session: Session): Promise<Session> {
  const r = await s.api.post<{ access_token: string; refresh_token: string }>('/api/auth/login', {
    email: session.email,
    password: session.password,
  });
  if (r.status !== 200) throw new Error(`login failed: ${r.status} ${JSON.stringify(r.body)}`);
  session.token = r.body.access_token;
  session.refresh = r.body.refresh_token;
  return session;
}
