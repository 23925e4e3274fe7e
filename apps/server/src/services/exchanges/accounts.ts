import { randomBytes } from 'node:crypto';
import {
  findActiveExchangeAccount,
  LIVE_POSITION_STATUSES,
  upsertActiveExchangeAccount,
  type ExchangeAccountRow,
  type UserRow,
} from '@verzek/db';
import {
  isExchangeError,
  type ApiCredentials,
  type Balance,
  type LiveAccount,
  type LiveMode,
  type LiveProvider,
  SUPPORTED_LIVE_PROVIDERS,
} from '@verzek/exchange';
import type { AppContext } from '../../context';
import { ApiError, badRequest, conflict } from '../../errors';
import { ensurePaperAccounts } from '../../trading/accounts';
import { audit } from '../audit';
import { noticeUser } from '../notify/notify';
import { sealCredentials } from './credentials';
import { buildLiveAccount, isLiveRow, liveVenues } from './live';
import { assessPermissions, type PermissionReport } from './permissions';

export interface ConnectInput {
  provider: ExchangeAccountRow['provider'];
  mode: ExchangeAccountRow['mode'];
  api_key?: string;
  api_secret?: string;
  passphrase?: string;
  leverage_default: number;
  margin_mode: 'ISOLATED' | 'CROSSED';
  hedge_mode: 0 | 1;
}

export interface KeyCheck {
  balance: Balance;
  report: PermissionReport;
}

/** Answers an exchange failure while trying keys as an API error the user can act on. */
function apiErrorFor(err: unknown, provider: string): ApiError {
  if (isExchangeError(err)) {
    if (err.kind === 'auth')
      return badRequest('invalid_keys', `${provider} refused these API keys: ${err.message}`);
    if (err.kind === 'rejected') return badRequest('exchange_rejected', err.message);
    if (err.kind === 'rate_limited')
      return new ApiError(503, 'exchange_busy', `${provider} is rate limiting us; try again in a minute`, {
        'retry-after': String(Math.ceil((err.options.retryAfterMs ?? 60_000) / 1000)),
      });
    return new ApiError(503, 'exchange_unavailable', `${provider} did not answer: ${err.message}`);
  }
  return new ApiError(503, 'exchange_unavailable', `${provider} could not be reached`);
}

function liveProvider(ctx: AppContext, provider: string): LiveProvider {
  if (provider === 'paper' || !liveVenues(ctx).supports(provider)) {
    throw badRequest(
      'provider_unavailable',
      `Live trading on ${provider} is not available in this build yet; connect ${SUPPORTED_LIVE_PROVIDERS.join(', ')} or paper`,
    );
  }
  return provider;
}

function liveMode(mode: string): LiveMode {
  if (mode !== 'testnet' && mode !== 'mainnet')
    throw badRequest('validation_failed', 'A live exchange runs in mode "testnet" (demo) or "mainnet"');
  return mode;
}

/**
 * Tries keys on the exchange: the balance (proves they sign and can read) and the key's permissions,
 * judged by the platform's policy. The adapter is thrown away afterwards.
 */
export async function tryKeys(
  ctx: AppContext,
  provider: LiveProvider,
  mode: LiveMode,
  credentials: ApiCredentials,
  hedge: boolean,
): Promise<KeyCheck & { adapter: LiveAccount }> {
  const adapter = liveVenues(ctx).account({
    provider,
    mode,
    accountKey: `probe-${randomBytes(4).toString('hex')}`,
    credentials,
    hedgeMode: hedge,
  });
  try {
    const balance = await adapter.fetchBalance();
    const report = assessPermissions(await adapter.checkPermissions(), ctx.clock.now());
    return { balance, report, adapter };
  } catch (err) {
    await adapter.close().catch(() => undefined);
    throw apiErrorFor(err, provider);
  }
}

/** Live positions (not finished) on the user's live exchange accounts. */
export async function openLivePositionCount(
  ctx: AppContext,
  userId: number,
  provider?: string,
): Promise<number> {
  let q = ctx.db
    .selectFrom('positions')
    .innerJoin('exchange_accounts', 'exchange_accounts.id', 'positions.exchange_account_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('positions.user_id', '=', userId)
    .where('positions.status', 'in', [...LIVE_POSITION_STATUSES])
    .where('exchange_accounts.provider', '!=', 'paper')
    .where('exchange_accounts.mode', '!=', 'paper');
  if (provider) q = q.where('exchange_accounts.provider', '=', provider as ExchangeAccountRow['provider']);
  const row = await q.executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Connects an exchange (SPEC §4). Paper needs no keys. A live key is tried first (balance and
 * permissions): refused if it can withdraw, accepted with a warning without an IP whitelist; then it
 * is sealed and stored, and the account becomes the one signals trade on.
 */
export async function connectExchange(
  ctx: AppContext,
  user: UserRow,
  input: ConnectInput,
  ip: string | null,
): Promise<ExchangeAccountRow> {
  const now = ctx.clock.now();
  const common = {
    leverage_default: input.leverage_default,
    margin_mode: input.margin_mode,
    hedge_mode: input.hedge_mode,
  };
  if (input.provider === 'paper') {
    if (input.mode !== 'paper')
      throw badRequest('validation_failed', 'The paper exchange runs in mode "paper"');
    if (input.api_key || input.api_secret || input.passphrase)
      throw badRequest('validation_failed', 'The paper exchange takes no keys');
    return upsertActiveExchangeAccount(ctx.db, {
      user_id: user.id,
      provider: 'paper',
      mode: 'paper',
      api_key: null,
      api_secret: null,
      passphrase: null,
      ...common,
      permissions: '{}',
      created_at: now,
      updated_at: now,
    });
  }
  const provider = liveProvider(ctx, input.provider);
  const mode = liveMode(input.mode);
  if (!input.api_key || !input.api_secret)
    throw badRequest('validation_failed', `${provider} needs api_key and api_secret`);
  const existing = await ctx.db
    .selectFrom('exchange_accounts')
    .selectAll()
    .where('user_id', '=', user.id)
    .where('provider', '=', provider)
    .executeTakeFirst();
  if (existing && existing.mode !== mode && (await openLivePositionCount(ctx, user.id, provider)) > 0) {
    throw conflict(
      'open_positions',
      `Positions are still open on your ${provider} ${existing.mode} account; close them before switching to ${mode}`,
    );
  }
  const credentials: ApiCredentials = {
    apiKey: input.api_key,
    secret: input.api_secret,
    ...(input.passphrase ? { passphrase: input.passphrase } : {}),
  };
  const { report, adapter } = await tryKeys(ctx, provider, mode, credentials, input.hedge_mode === 1);
  try {
    if (report.refused) {
      await audit(ctx.db, {
        action: 'exchange_key_refused',
        at: now,
        userId: user.id,
        actorId: user.id,
        ip,
        detail: { provider, mode, reason: report.refused },
      });
      throw badRequest('key_refused', report.refused);
    }
    try {
      await adapter.setPositionMode(input.hedge_mode === 1);
    } catch (err) {
      report.warnings.push(
        `Could not set ${input.hedge_mode === 1 ? 'hedge' : 'one-way'} position mode: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  } finally {
    await adapter.close().catch(() => undefined);
  }
  const row = await ctx.db.transaction().execute(async (trx) => {
    const saved = await upsertActiveExchangeAccount(trx, {
      user_id: user.id,
      provider,
      mode,
      ...sealCredentials(ctx.secretBox, user.id, provider, credentials),
      ...common,
      permissions: JSON.stringify(report),
      created_at: now,
      updated_at: now,
    });
    await audit(trx, {
      action: 'exchange_connected',
      at: now,
      userId: user.id,
      actorId: user.id,
      ip,
      detail: { provider, mode, warnings: report.warnings },
    });
    return saved;
  });
  ctx.logger.info(
    { userId: user.id, provider, mode, warnings: report.warnings.length },
    'exchange connected',
  );
  return row;
}

export interface Validation {
  provider: string;
  mode: string;
  ok: boolean;
  balance: Balance | null;
  permissions: PermissionReport | null;
  warnings: string[];
  refused: string | null;
}

/** Tries keys (given, or the stored ones of the active account) and reports balance and permissions. */
export async function validateExchange(
  ctx: AppContext,
  user: UserRow,
  input: {
    provider: string;
    mode: string;
    api_key?: string;
    api_secret?: string;
    passphrase?: string;
  } | null,
): Promise<Validation> {
  let check: KeyCheck & { adapter: LiveAccount };
  let provider: string;
  let mode: string;
  if (input && input.api_key && input.api_secret) {
    const p = liveProvider(ctx, input.provider);
    const m = liveMode(input.mode);
    provider = p;
    mode = m;
    check = await tryKeys(
      ctx,
      p,
      m,
      {
        apiKey: input.api_key,
        secret: input.api_secret,
        ...(input.passphrase ? { passphrase: input.passphrase } : {}),
      },
      false,
    );
  } else {
    const row = await findActiveExchangeAccount(ctx.db, user.id);
    if (!row || !isLiveRow(row) || row.api_key === null) {
      return {
        provider: row?.provider ?? 'paper',
        mode: row?.mode ?? 'paper',
        ok: true,
        balance: null,
        permissions: null,
        warnings: ['Paper trading needs no keys'],
        refused: null,
      };
    }
    provider = row.provider;
    mode = row.mode;
    const adapter = buildLiveAccount(ctx, row);
    try {
      const balance = await adapter.fetchBalance();
      const report = assessPermissions(await adapter.checkPermissions(), ctx.clock.now());
      check = { balance, report, adapter };
      await ctx.db
        .updateTable('exchange_accounts')
        .set({ permissions: JSON.stringify(report) })
        .where('id', '=', row.id)
        .execute();
    } catch (err) {
      throw apiErrorFor(err, provider);
    }
  }
  await check.adapter.close().catch(() => undefined);
  return {
    provider,
    mode,
    ok: check.report.refused === null,
    balance: check.balance,
    permissions: check.report,
    warnings: check.report.warnings,
    refused: check.report.refused,
  };
}

/**
 * Disconnects every live exchange of a user: wipes the keys, trading falls back to paper. Refused
 * while live positions are open (their orders could no longer be managed).
 */
export async function disconnectExchanges(
  ctx: AppContext,
  userId: number,
  actor: { id: number; ip: string | null },
): Promise<void> {
  const open = await openLivePositionCount(ctx, userId);
  if (open > 0) {
    throw conflict(
      'open_positions',
      `${open} live position(s) are still open; close them (or wait for them to finish) before disconnecting — their stops and take-profits need the keys`,
    );
  }
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('exchange_accounts')
      .set({ api_key: null, api_secret: null, passphrase: null, active: 0, updated_at: now })
      .where('user_id', '=', userId)
      .where('provider', '!=', 'paper')
      .execute();
    await trx
      .updateTable('exchange_accounts')
      .set({ active: 1, updated_at: now })
      .where('user_id', '=', userId)
      .where('provider', '=', 'paper')
      .execute();
    await audit(trx, {
      action: 'exchange_disconnected',
      at: now,
      userId,
      actorId: actor.id,
      ip: actor.ip,
    });
  });
  await ensurePaperAccounts(ctx.db, [userId], now);
}

/**
 * The daily re-check of one live account's key: the permissions are stored; a key that now allows
 * withdrawals stops trading new signals (the account is deactivated, paper becomes active; open
 * positions keep being managed with the key) and the user is told.
 */
export async function recheckAccount(
  ctx: AppContext,
  row: ExchangeAccountRow,
): Promise<PermissionReport | null> {
  if (!isLiveRow(row) || row.api_key === null) return null;
  const adapter = buildLiveAccount(ctx, row);
  let report: PermissionReport;
  try {
    report = assessPermissions(await adapter.checkPermissions(), ctx.clock.now());
  } finally {
    await adapter.close().catch(() => undefined);
  }
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('exchange_accounts')
      .set({ permissions: JSON.stringify(report) })
      .where('id', '=', row.id)
      .execute();
    if (report.refused && row.active === 1) {
      await trx
        .updateTable('exchange_accounts')
        .set({ active: 0, updated_at: now })
        .where('id', '=', row.id)
        .execute();
      await trx
        .updateTable('exchange_accounts')
        .set({ active: 1, updated_at: now })
        .where('user_id', '=', row.user_id)
        .where('provider', '=', 'paper')
        .execute();
      await audit(trx, {
        action: 'exchange_key_flagged',
        at: now,
        userId: row.user_id,
        detail: { provider: row.provider, mode: row.mode, reason: report.refused },
      });
      await noticeUser(trx, {
        userId: row.user_id,
        kind: 'trade_blocked',
        text: `Live trading on ${row.provider} is paused: ${report.refused} Open positions are still managed. Reconnect with a safe key to resume.`,
        data: { provider: row.provider, code: 'key_refused' },
        at: now,
      });
    }
  });
  if (report.refused && row.active === 1) await ensurePaperAccounts(ctx.db, [row.user_id], now);
  return report;
}
