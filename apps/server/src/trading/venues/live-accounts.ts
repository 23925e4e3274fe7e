import type { ExchangeAccountRow } from '@verzek/db';
import type {
  Balance,
  KeyPermissions,
  LiveAccount,
  LiveMode,
  LiveProvider,
  MarketInfo,
  OrderLookupHint,
  OrderSnapshot,
  PlaceOrderRequest,
  VenuePosition,
} from '@verzek/exchange';
import type { Logger } from '@verzek/platform';

interface Entry {
  updatedAt: number;
  adapter: LiveAccount;
}

/**
 * Live adapters per exchange account, built once (the keys are opened then) and handed out as a
 * stable handle, so callers that cache it (the position engine does) always reach the current
 * adapter: when the account's row changes (new keys, hedge mode), `refresh` swaps the adapter behind
 * the handle and closes the old one.
 */
export class LiveAccountCache {
  private readonly entries = new Map<number, Entry>();
  private readonly handles = new Map<number, LiveAccount>();

  constructor(
    private readonly build: (row: ExchangeAccountRow) => LiveAccount,
    private readonly logger: Logger,
  ) {}

  account(row: ExchangeAccountRow): LiveAccount {
    this.refresh(row);
    let handle = this.handles.get(row.id);
    if (!handle) {
      handle = new AccountHandle(() => {
        const e = this.entries.get(row.id);
        if (!e) throw new Error(`live account ${row.id} was closed`);
        return e.adapter;
      });
      this.handles.set(row.id, handle);
    }
    return handle;
  }

  /** Rebuilds the adapter when the row changed since it was built. */
  refresh(row: ExchangeAccountRow): void {
    const e = this.entries.get(row.id);
    if (e && e.updatedAt >= row.updated_at) return;
    const adapter = this.build(row);
    this.entries.set(row.id, { updatedAt: row.updated_at, adapter });
    if (e) {
      this.logger.info({ accountId: row.id }, 'exchange account changed; adapter rebuilt');
      void e.adapter.close().catch(() => undefined);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  async close(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    this.handles.clear();
    await Promise.allSettled(all.map((e) => e.adapter.close()));
  }
}

/** Delegates every call to whatever adapter currently serves the account. */
class AccountHandle implements LiveAccount {
  constructor(private readonly current: () => LiveAccount) {}
  get venue(): string {
    return this.current().venue;
  }
  get provider(): LiveProvider {
    return this.current().provider;
  }
  get mode(): LiveMode {
    return this.current().mode;
  }
  loadMarket(symbol: string): Promise<MarketInfo> {
    return this.current().loadMarket(symbol);
  }
  setLeverage(symbol: string, leverage: number, marginMode: 'CROSS' | 'ISOLATED' | null): Promise<void> {
    return this.current().setLeverage(symbol, leverage, marginMode);
  }
  placeOrder(request: PlaceOrderRequest): Promise<OrderSnapshot> {
    return this.current().placeOrder(request);
  }
  cancelOrder(symbol: string, clientOrderId: string, hint?: OrderLookupHint): Promise<OrderSnapshot> {
    return this.current().cancelOrder(symbol, clientOrderId, hint);
  }
  fetchOrder(symbol: string, clientOrderId: string, hint?: OrderLookupHint): Promise<OrderSnapshot | null> {
    return this.current().fetchOrder(symbol, clientOrderId, hint);
  }
  fetchOpenOrders(symbol?: string): Promise<OrderSnapshot[]> {
    return this.current().fetchOpenOrders(symbol);
  }
  fetchBalance(): Promise<Balance> {
    return this.current().fetchBalance();
  }
  fetchPosition(symbol: string): Promise<VenuePosition | null> {
    return this.current().fetchPosition(symbol);
  }
  checkPermissions(): Promise<KeyPermissions> {
    return this.current().checkPermissions();
  }
  setPositionMode(hedge: boolean): Promise<void> {
    return this.current().setPositionMode(hedge);
  }
  close(): Promise<void> {
    return Promise.resolve(); // the cache owns the adapter's life
  }
}
