import type { z } from 'zod';
import type {
  AdminOverview,
  AdminUser,
  AdminUserList,
  AdminUsersQuery,
  CreatePartnerBody,
  PartnerDetail,
  PartnerList,
  SignalStats,
  SignalStatsQuery,
  UpdatePartnerBody,
} from './admin';
import type {
  AuthResponse,
  LoginBody,
  RegisterBody,
  TotpCodeBody,
  TotpSetupResponse,
  User,
  VerifyEmailBody,
} from './auth';
import type { ErrorBody, OkBody, PageQuery } from './common';
import type {
  ExchangeAccount,
  ExchangeConnectBody,
  ExchangeUpdateBody,
  ExchangeValidateBody,
  UserBalance,
  ExchangeValidation,
} from './exchanges';
import type {
  AdminPaymentList,
  AdminPaymentsQuery,
  InitiatePaymentBody,
  Payment,
  PaymentList,
  PlansResponse,
  RejectPaymentBody,
  VerifyPaymentBody,
} from './payments';
import type { PushTokenBody, PushTokenDeleteBody, PushTokenView } from './push';
import type { DailyReport, DailyReportList } from './reports';
import type {
  RiskEventList,
  RiskEventsQuery,
  RiskLimitsMe,
  SafetyStatus,
  SafetyToggleBody,
  SafetyWidget,
} from './safety';
import type {
  DcaSettings,
  DcaSettingsPatch,
  GeneralSettings,
  GeneralSettingsPatch,
  RiskSettingsPatch,
  RiskSettingsResponse,
  StrategySettings,
  StrategySettingsPatch,
  Subscription,
  SubscriptionUpdate,
} from './settings';
import type {
  SignalCreateBody,
  SignalCreated,
  SignalDetail,
  SignalEventBody,
  SignalEventResult,
  SignalFeed,
  SignalFeedQuery,
} from './signals';
import type { Approval, ApprovalList, ApprovalQuery, TelegramLink, TelegramLinkStatus } from './telegram';
import type {
  OrderCancelResult,
  OrderList,
  PositionCloseResult,
  PositionHistory,
  PositionHistoryQuery,
  PositionList,
  PositionListQuery,
  TradeExecuteBody,
  TradeExecuted,
  TradeMarketBody,
  TradePreview,
  TradePreviewBody,
} from './trading';
import type { UserList, UserListQuery } from './users';

/**
 * A small typed client for the HTTP API, shared by the app and tests. Request types are the zod
 * schemas' inputs, response types their outputs: nothing is copied by hand. Responses are not
 * re-validated (the server serialises through the same schemas).
 */

type In<T extends z.ZodType> = z.input<T>;
type Out<T extends z.ZodType> = z.output<T>;
type Query = Record<string, string | number | boolean | undefined | null>;
/** Query parameters as the caller writes them: coerced fields (input `unknown`) take their output type. */
type QueryIn<T extends z.ZodType> = {
  [K in keyof z.input<T>]?: unknown extends z.input<T>[K]
    ? K extends keyof z.output<T>
      ? z.output<T>[K]
      : never
    : z.input<T>[K];
};

/** The API answered with an error (`{error, reason}`), or could not be reached (`status` 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'ApiError';
  }
}

export interface SessionTokens {
  access_token: string;
  refresh_token: string;
}

/**
 * Where the client keeps the session. `load` is awaited before each request; `save` after a login or
 * a refresh; `clear` when the session has ended.
 */
export interface TokenStore {
  load(): Promise<SessionTokens | null> | SessionTokens | null;
  save(tokens: SessionTokens): Promise<void> | void;
  clear(): Promise<void> | void;
}

/** Why a session ended without the user asking: the app logs out and says why. */
export type SessionEnd = 'token_reused' | 'invalid_refresh_token' | 'invalid_token' | 'account_disabled';

export interface ApiClientOptions {
  /** `''` for same-origin (the web app served by the API), otherwise e.g. `http://127.0.0.1:8000`. */
  baseUrl: string;
  tokens: TokenStore;
  fetch?: typeof fetch;
  /** Called once when the server ends the session (refresh token reused, revoked or expired). */
  onSessionEnded?: (why: SessionEnd, reason: string) => void;
  /** Called after a successful refresh or login with the new user view. */
  onUser?: (user: User) => void;
}

interface RequestOptions {
  query?: Query | undefined;
  body?: unknown;
  /** Send the bearer token (default true). */
  auth?: boolean;
}

const SESSION_ENDING = new Set<string>(['token_reused', 'invalid_refresh_token']);

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

async function errorOf(response: Response): Promise<ApiError> {
  let body: Partial<ErrorBody> & { message?: string } = {};
  try {
    body = (await response.json()) as typeof body;
  } catch {
    /* not JSON */
  }
  return new ApiError(
    response.status,
    typeof body.error === 'string' ? body.error : `http_${response.status}`,
    typeof body.reason === 'string'
      ? body.reason
      : typeof body.message === 'string'
        ? body.message
        : `The server answered ${response.status}`,
  );
}

export function createApiClient(options: ApiClientOptions) {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const base = options.baseUrl.replace(/\/+$/, '');
  let refreshing: Promise<boolean> | null = null;

  async function send(method: string, path: string, opts: RequestOptions, token: string | null) {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    try {
      return await doFetch(`${base}${path}${queryString(opts.query)}`, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      });
    } catch (e) {
      throw new ApiError(0, 'network_error', `Cannot reach the server (${(e as Error).message})`);
    }
  }

  async function endSession(why: SessionEnd, reason: string): Promise<void> {
    await options.tokens.clear();
    options.onSessionEnded?.(why, reason);
  }

  /** Rotates the refresh token once, however many requests found the access token expired. */
  function refresh(): Promise<boolean> {
    refreshing ??= (async () => {
      try {
        const current = await options.tokens.load();
        if (!current) return false;
        const response = await send(
          'POST',
          '/api/auth/refresh',
          { body: { refresh_token: current.refresh_token } },
          null,
        );
        if (!response.ok) {
          const err = await errorOf(response);
          if (response.status === 401 || SESSION_ENDING.has(err.error)) {
            await endSession(
              SESSION_ENDING.has(err.error) ? (err.error as SessionEnd) : 'invalid_refresh_token',
              err.reason,
            );
          }
          return false;
        }
        const session = (await response.json()) as Out<typeof AuthResponse>;
        await options.tokens.save({
          access_token: session.access_token,
          refresh_token: session.refresh_token,
        });
        options.onUser?.(session.user);
        return true;
      } catch {
        return false;
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  }

  async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const useAuth = opts.auth !== false;
    let token = useAuth ? ((await options.tokens.load())?.access_token ?? null) : null;
    let response = await send(method, path, opts, token);
    if (useAuth && response.status === 401) {
      const err = await errorOf(response.clone());
      if (err.error === 'token_expired' && (await refresh())) {
        token = (await options.tokens.load())?.access_token ?? null;
        response = await send(method, path, opts, token);
      } else if (err.error === 'invalid_token' && token) {
        await endSession('invalid_token', err.reason);
      }
    }
    if (useAuth && response.status === 403) {
      const err = await errorOf(response.clone());
      if (err.error === 'account_disabled') await endSession('account_disabled', err.reason);
    }
    if (!response.ok) throw await errorOf(response);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  const get = <T>(path: string, query?: Query) => request<T>('GET', path, { query });
  const post = <T>(path: string, body?: unknown) => request<T>('POST', path, { body: body ?? {} });
  const put = <T>(path: string, body: unknown) => request<T>('PUT', path, { body });
  const del = <T>(path: string, body?: unknown) => request<T>('DELETE', path, { body });

  async function startSession(session: Out<typeof AuthResponse>) {
    await options.tokens.save({ access_token: session.access_token, refresh_token: session.refresh_token });
    options.onUser?.(session.user);
    return session;
  }

  const user = (id: number, section: string) => `/api/users/${id}/${section}`;

  return {
    request,
    refresh,
    /** Where `GET /api/stream` lives, with the access token for EventSource (which can't send headers). */
    async streamUrl(): Promise<string | null> {
      const tokens = await options.tokens.load();
      return tokens ? `${base}/api/stream?access_token=${encodeURIComponent(tokens.access_token)}` : null;
    },
    auth: {
      register: async (body: In<typeof RegisterBody>) =>
        startSession(
          await request<Out<typeof AuthResponse>>('POST', '/api/auth/register', { body, auth: false }),
        ),
      login: async (body: In<typeof LoginBody>) =>
        startSession(
          await request<Out<typeof AuthResponse>>('POST', '/api/auth/login', { body, auth: false }),
        ),
      async logout(): Promise<void> {
        const tokens = await options.tokens.load();
        try {
          if (tokens)
            await request('POST', '/api/auth/logout', {
              body: { refresh_token: tokens.refresh_token },
              auth: false,
            });
        } finally {
          await options.tokens.clear();
        }
      },
      me: () => get<Out<typeof User>>('/api/auth/me'),
      verifyEmail: (body: In<typeof VerifyEmailBody>) =>
        request<Out<typeof OkBody>>('POST', '/api/auth/verify-email', { body, auth: false }),
      resendVerification: () => post<Out<typeof OkBody>>('/api/auth/resend-verification'),
      enable2fa: () => post<Out<typeof TotpSetupResponse>>('/api/auth/2fa/enable'),
      confirm2fa: (body: In<typeof TotpCodeBody>) => post<Out<typeof OkBody>>('/api/auth/2fa/confirm', body),
      disable2fa: (body: In<typeof TotpCodeBody>) => post<Out<typeof OkBody>>('/api/auth/2fa/disable', body),
    },
    settings: {
      general: (id: number) => get<Out<typeof GeneralSettings>>(user(id, 'general')),
      putGeneral: (id: number, body: In<typeof GeneralSettingsPatch>) =>
        put<Out<typeof GeneralSettings>>(user(id, 'general'), body),
      risk: (id: number) => get<Out<typeof RiskSettingsResponse>>(user(id, 'risk')),
      putRisk: (id: number, body: In<typeof RiskSettingsPatch>) =>
        put<Out<typeof RiskSettingsResponse>>(user(id, 'risk'), body),
      strategy: (id: number) => get<Out<typeof StrategySettings>>(user(id, 'strategy')),
      putStrategy: (id: number, body: In<typeof StrategySettingsPatch>) =>
        put<Out<typeof StrategySettings>>(user(id, 'strategy'), body),
      dca: (id: number) => get<Out<typeof DcaSettings>>(user(id, 'dca')),
      putDca: (id: number, body: In<typeof DcaSettingsPatch>) =>
        put<Out<typeof DcaSettings>>(user(id, 'dca'), body),
      subscription: (id: number) => get<Out<typeof Subscription>>(user(id, 'subscription')),
      putSubscription: (id: number, body: In<typeof SubscriptionUpdate>) =>
        put<Out<typeof Subscription>>(user(id, 'subscription'), body),
    },
    signals: {
      feed: (query: QueryIn<typeof SignalFeedQuery> = {}) =>
        get<Out<typeof SignalFeed>>('/api/signals', query as Query),
      detail: (id: number) => get<Out<typeof SignalDetail>>(`/api/signals/${id}`),
      create: (body: In<typeof SignalCreateBody>) => post<Out<typeof SignalCreated>>('/api/signals', body),
      event: (body: In<typeof SignalEventBody>) =>
        post<Out<typeof SignalEventResult>>('/api/signal-events', body),
    },
    trading: {
      preview: (body: In<typeof TradePreviewBody>) =>
        post<Out<typeof TradePreview>>('/api/trade/preview', body),
      execute: (body: In<typeof TradeExecuteBody>) =>
        post<Out<typeof TradeExecuted>>('/api/trade/execute', body),
      market: (body: In<typeof TradeMarketBody>) =>
        post<Out<typeof TradeExecuted>>('/api/trade/market', body),
      positions: (query: QueryIn<typeof PositionListQuery> = {}) =>
        get<Out<typeof PositionList>>('/api/positions', query as Query),
      history: (query: QueryIn<typeof PositionHistoryQuery> = {}) =>
        get<Out<typeof PositionHistory>>('/api/positions/history', query as Query),
      close: (positionId: number, reason?: string) =>
        post<Out<typeof PositionCloseResult>>(`/api/positions/${positionId}/close`, reason ? { reason } : {}),
      orders: (positionId: number) => get<Out<typeof OrderList>>(`/api/orders/${positionId}`),
      cancelOrder: (orderId: string) =>
        post<Out<typeof OrderCancelResult>>(`/api/orders/${encodeURIComponent(orderId)}/cancel`),
    },
    exchanges: {
      connect: (body: In<typeof ExchangeConnectBody>) =>
        post<Out<typeof ExchangeAccount>>('/api/exchanges/connect', body),
      me: () => get<Out<typeof ExchangeAccount>>('/api/exchanges/me'),
      update: (body: In<typeof ExchangeUpdateBody>) =>
        put<Out<typeof ExchangeAccount>>('/api/exchanges/me', body),
      disconnect: () => del<Out<typeof OkBody>>('/api/exchanges/me'),
      balance: (userId: number, exchange: Out<typeof ExchangeAccount>['provider']) =>
        get<Out<typeof UserBalance>>(`/api/users/${userId}/balance/${exchange}`),
      validate: (body: In<typeof ExchangeValidateBody>) =>
        post<Out<typeof ExchangeValidation>>('/api/exchanges/validate', body ?? {}),
    },
    safety: {
      status: () => get<Out<typeof SafetyStatus>>('/api/safety/status'),
      widget: () => get<Out<typeof SafetyWidget>>('/api/safety/widget'),
      toggle: (body: In<typeof SafetyToggleBody>) =>
        post<Out<typeof SafetyStatus>>('/api/safety/toggle', body),
      limits: () => get<Out<typeof RiskLimitsMe>>('/api/risk/limits/me'),
      putLimits: (body: In<typeof RiskSettingsPatch>) =>
        put<Out<typeof RiskLimitsMe>>('/api/risk/limits/me', body),
      events: (query: QueryIn<typeof RiskEventsQuery> = {}) =>
        get<Out<typeof RiskEventList>>('/api/risk/events', query as Query),
    },
    payments: {
      plans: () => request<Out<typeof PlansResponse>>('GET', '/api/plans', { auth: false }),
      initiate: (body: In<typeof InitiatePaymentBody>) =>
        post<Out<typeof Payment>>('/api/payments/usdt/initiate', body),
      mine: (query: QueryIn<typeof PageQuery> = {}) =>
        get<Out<typeof PaymentList>>('/api/payments/me', query as Query),
      verify: (body: In<typeof VerifyPaymentBody>) =>
        post<Out<typeof Payment>>('/api/payments/usdt/verify', body),
      reject: (body: In<typeof RejectPaymentBody>) =>
        post<Out<typeof Payment>>('/api/payments/usdt/reject', body),
    },
    admin: {
      overview: () => get<Out<typeof AdminOverview>>('/api/admin/overview'),
      signalStats: (query: QueryIn<typeof SignalStatsQuery> = {}) =>
        get<Out<typeof SignalStats>>('/api/admin/signal-stats', query as Query),
      users: (query: QueryIn<typeof AdminUsersQuery> = {}) =>
        get<Out<typeof AdminUserList>>('/api/admin/users', query as Query),
      allUsers: (query: QueryIn<typeof UserListQuery> = {}) =>
        get<Out<typeof UserList>>('/api/users', query as Query),
      disableUser: (id: number, reason?: string) =>
        post<Out<typeof AdminUser>>(`/api/admin/users/${id}/disable`, reason ? { reason } : {}),
      verifyUserEmail: (id: number) => post<Out<typeof OkBody>>(`/api/admin/users/${id}/verify-email`),
      enableUser: (id: number) => post<Out<typeof AdminUser>>(`/api/admin/users/${id}/enable`),
      payments: (query: QueryIn<typeof AdminPaymentsQuery> = {}) =>
        get<Out<typeof AdminPaymentList>>('/api/admin/payments', query as Query),
      partners: () => get<Out<typeof PartnerList>>('/api/admin/partners'),
      createPartner: (body: In<typeof CreatePartnerBody>) =>
        post<Out<typeof PartnerDetail>>('/api/admin/partners', body),
      updatePartner: (id: number, body: In<typeof UpdatePartnerBody>) =>
        put<Out<typeof PartnerDetail>>(`/api/admin/partners/${id}`, body),
      approvals: (query: QueryIn<typeof ApprovalQuery> = {}) =>
        get<Out<typeof ApprovalList>>('/api/admin/approvals', query as Query),
      approve: (id: number, body: { signal_id?: number; note?: string } = {}) =>
        post<Out<typeof Approval>>(`/api/admin/approvals/${id}/approve`, body),
      rejectApproval: (id: number, note?: string) =>
        post<Out<typeof Approval>>(`/api/admin/approvals/${id}/reject`, note ? { note } : {}),
      dailyReport: (query: { day?: string; days?: number } = {}) =>
        get<Out<typeof DailyReport> | Out<typeof DailyReportList>>('/api/reports/daily', query),
    },
    telegram: {
      link: () => post<Out<typeof TelegramLink>>('/api/telegram/link'),
      status: () => get<Out<typeof TelegramLinkStatus>>('/api/telegram/link'),
      unlink: () => del<Out<typeof TelegramLinkStatus>>('/api/telegram/link'),
    },
    push: {
      register: (body: In<typeof PushTokenBody>) => post<Out<typeof PushTokenView>>('/api/push/tokens', body),
      unregister: (body: In<typeof PushTokenDeleteBody>) => del<Out<typeof OkBody>>('/api/push/tokens', body),
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
