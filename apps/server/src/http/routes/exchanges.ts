import {
  ErrorBody,
  ExchangeAccount,
  ExchangeConnectBody,
  ExchangeUpdateBody,
  ExchangeValidateBody,
  ExchangeValidation,
  IdParam,
  iso,
  LeverageBody,
  LeverageView,
  OkBody,
  UserBalance,
  UserExchangeParams,
} from '@verzek/contract';
import { dec, decStr } from '@verzek/core';
import {
  findActiveExchangeAccount,
  getPaperAccount,
  updateExchangeAccount,
  type ExchangeAccountRow,
  type UserRow,
} from '@verzek/db';
import type { AppContext } from '../../context';
import { ApiError, badRequest, notFound } from '../../errors';
import { connectExchange, disconnectExchanges, validateExchange } from '../../services/exchanges/accounts';
import { buildLiveAccount, isLiveRow } from '../../services/exchanges/live';
import { loadSection } from '../../services/users/settings';
import { ensurePaperAccounts } from '../../trading/accounts';
import { authenticate, caller, requireSelfOrAdmin, requireVerifiedEmail, targetUser } from '../guards';
import type { App } from '../types';

const errors = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  503: ErrorBody,
};
const security = [{ bearer: [] }];

/** An exchange connection as users see it: never a key, secret or passphrase (sealed or not). */
export function exchangeView(row: ExchangeAccountRow) {
  const permissions = JSON.parse(row.permissions) as Record<string, unknown>;
  const warnings = Array.isArray(permissions.warnings)
    ? permissions.warnings.filter((w): w is string => typeof w === 'string')
    : [];
  return {
    provider: row.provider,
    mode: row.mode,
    leverage_default: row.leverage_default,
    margin_mode: row.margin_mode,
    hedge_mode: row.hedge_mode,
    has_keys: row.api_key !== null,
    permissions,
    warnings,
    connected_at: iso(row.created_at),
  };
}

export function registerExchangeRoutes(app: App, ctx: AppContext): void {
  const auth = authenticate(ctx);

  /** The user's active account; paper is created on first use, as for trading. */
  const active = async (userId: number): Promise<ExchangeAccountRow> => {
    const found = await findActiveExchangeAccount(ctx.db, userId);
    if (found) return found;
    await ensurePaperAccounts(ctx.db, [userId], ctx.clock.now());
    return (await findActiveExchangeAccount(ctx.db, userId))!;
  };

  const accountOf = async (userId: number, provider: string): Promise<ExchangeAccountRow> => {
    if (provider === 'paper') await ensurePaperAccounts(ctx.db, [userId], ctx.clock.now());
    const row = await ctx.db
      .selectFrom('exchange_accounts')
      .selectAll()
      .where('user_id', '=', userId)
      .where('provider', '=', provider as ExchangeAccountRow['provider'])
      .executeTakeFirst();
    if (!row) throw notFound(`${provider} connection`);
    return row;
  };

  const connectSchema = {
    tags: ['exchanges'],
    summary:
      'Connect an exchange (paper needs no keys; live keys are tried, and refused if they can withdraw)',
    security,
    body: ExchangeConnectBody,
    response: { 200: ExchangeAccount, ...errors },
  };
  app.post(
    '/api/exchanges/connect',
    { onRequest: auth, preHandler: requireVerifiedEmail, schema: connectSchema },
    async (request) => exchangeView(await connectExchange(ctx, caller(request), request.body, request.ip)),
  );

  app.post(
    '/api/exchanges',
    {
      onRequest: auth,
      preHandler: requireVerifiedEmail,
      schema: { ...connectSchema, summary: 'Older path of POST /api/exchanges/connect' },
    },
    async (request) => exchangeView(await connectExchange(ctx, caller(request), request.body, request.ip)),
  );

  app.post(
    '/api/exchanges/validate',
    {
      onRequest: auth,
      preHandler: requireVerifiedEmail,
      schema: {
        tags: ['exchanges'],
        summary: 'Try keys (given, or the stored ones): balance and the key’s permissions; nothing is stored',
        security,
        body: ExchangeValidateBody,
        response: { 200: ExchangeValidation, ...errors },
      },
    },
    async (request) => validateExchange(ctx, caller(request), request.body ?? null),
  );

  app.get(
    '/api/exchanges/me',
    {
      onRequest: auth,
      schema: { tags: ['exchanges'], security, response: { 200: ExchangeAccount, ...errors } },
    },
    async (request) => exchangeView(await active(caller(request).id)),
  );

  app.put(
    '/api/exchanges/me',
    {
      onRequest: auth,
      schema: {
        tags: ['exchanges'],
        security,
        body: ExchangeUpdateBody,
        response: { 200: ExchangeAccount, ...errors },
      },
    },
    async (request) => {
      const row = await active(caller(request).id);
      const updated = await updateExchangeAccount(ctx.db, row.id, {
        ...request.body,
        updated_at: ctx.clock.now(),
      });
      return exchangeView(updated ?? row);
    },
  );

  app.delete(
    '/api/exchanges/me',
    {
      onRequest: auth,
      schema: {
        tags: ['exchanges'],
        summary:
          'Disconnect: wipes the keys; trading falls back to paper (refused while live positions are open)',
        security,
        response: { 200: OkBody, ...errors },
      },
    },
    async (request) => {
      const user = caller(request);
      await disconnectExchanges(ctx, user.id, { id: user.id, ip: request.ip });
      return { ok: true as const, message: 'Disconnected; trading continues on paper' };
    },
  );

  // ---- older paths (SPEC §4), each for the user's own id or an admin

  const self = { onRequest: [auth, requireSelfOrAdmin] };

  app.delete(
    '/api/users/:id/exchanges',
    {
      ...self,
      schema: {
        tags: ['exchanges'],
        summary: 'Older path: disconnect every exchange of the user (wipes the keys)',
        security,
        params: IdParam,
        response: { 200: OkBody, ...errors },
      },
    },
    async (request) => {
      const target = await targetUser(ctx, request);
      await disconnectExchanges(ctx, target.id, { id: caller(request).id, ip: request.ip });
      return { ok: true as const, message: 'Disconnected; trading continues on paper' };
    },
  );

  app.get(
    '/api/users/:id/balance/:exchange',
    {
      ...self,
      schema: {
        tags: ['exchanges'],
        summary: 'Balance of the user’s account on an exchange (paper: the paper wallet)',
        security,
        params: UserExchangeParams,
        response: { 200: UserBalance, ...errors },
      },
    },
    async (request) => {
      const target = await targetUser(ctx, request);
      const row = await accountOf(target.id, request.params.exchange);
      let balance: { asset: string; total: string; free: string };
      if (!isLiveRow(row)) {
        balance = await paperBalance(ctx, row, target);
      } else {
        if (row.api_key === null) throw badRequest('no_keys', 'This exchange is disconnected');
        const adapter = buildLiveAccount(ctx, row);
        try {
          balance = await adapter.fetchBalance();
        } catch (err) {
          throw new ApiError(
            503,
            'exchange_unavailable',
            `${row.provider} did not answer: ${err instanceof Error ? err.message : String(err)}`,
          );
        } finally {
          await adapter.close().catch(() => undefined);
        }
      }
      return { exchange: row.provider, mode: row.mode, ...balance };
    },
  );

  app.get(
    '/api/users/:id/exchanges/:exchange/leverage',
    {
      ...self,
      schema: {
        tags: ['exchanges'],
        summary: 'Older path: the default leverage of the user’s account on an exchange',
        security,
        params: UserExchangeParams,
        response: { 200: LeverageView, ...errors },
      },
    },
    async (request) => {
      const target = await targetUser(ctx, request);
      const row = await accountOf(target.id, request.params.exchange);
      return { exchange: row.provider, leverage: row.leverage_default };
    },
  );

  app.put(
    '/api/users/:id/exchanges/:exchange/leverage',
    {
      ...self,
      schema: {
        tags: ['exchanges'],
        summary: 'Older path: sets the default leverage of the user’s account on an exchange',
        security,
        params: UserExchangeParams,
        body: LeverageBody,
        response: { 200: LeverageView, ...errors },
      },
    },
    async (request) => {
      const target = await targetUser(ctx, request);
      const row = await accountOf(target.id, request.params.exchange);
      const updated = await updateExchangeAccount(ctx.db, row.id, {
        leverage_default: request.body.leverage,
        updated_at: ctx.clock.now(),
      });
      return { exchange: row.provider, leverage: updated?.leverage_default ?? request.body.leverage };
    },
  );
}

/** The paper wallet of an account (its starting capital until the paper venue first uses it). */
async function paperBalance(
  ctx: AppContext,
  row: ExchangeAccountRow,
  user: UserRow,
): Promise<{ asset: string; total: string; free: string }> {
  const wallet = await getPaperAccount(ctx.db, row.id);
  const total = wallet ? wallet.balance : (await loadSection(ctx.db, user, 'strategy')).capital_usdt;
  return { asset: 'USDT', total: decStr(dec(total)), free: decStr(dec(total)) };
}
