/* Helpers shared by the position machine's tests (not exported from the package). */
import { dec, decStr } from '../../money';
import type { MarketRules } from '../market-rules';
import type { NotifyCommand, PlaceOrderCommand, PositionCommand, TransitionResult } from './commands';
import type { PositionEvent } from './events';
import { openPosition } from './open-position';
import type { PositionPlan } from './plan';
import type { PositionState } from './state';
import { transition } from './transition';

export const BTC: MarketRules = { tickSize: '0.1', lotSize: '0.001', minQty: '0.001', minNotional: '5' };
export const FEES = { maker_rate: '0.0002', taker_rate: '0.0004' };
export const NO_FEES = { maker_rate: '0', taker_rate: '0' };

/** The §5 example: LONG BTCUSDT, market entry at 70000, three targets, stop 69500, 10x, qty 0.014. */
export function btcLong(overrides: Partial<PositionPlan> = {}): PositionPlan {
  return {
    symbol: 'BTCUSDT',
    direction: 'LONG',
    leverage: 10,
    entry: { type: 'market' },
    qty: '0.014',
    targets: ['70500', '71000', '72000'],
    stop_loss: '69500',
    market: BTC,
    fees: FEES,
    ...overrides,
  };
}

/** The mirror: SHORT at 70000, targets below, stop above. */
export function btcShort(overrides: Partial<PositionPlan> = {}): PositionPlan {
  return btcLong({
    direction: 'SHORT',
    targets: ['69500', '69000', '68000'],
    stop_loss: '70500',
    ...overrides,
  });
}

/** An event without its time (the runner stamps it). */
export type EventInput = PositionEvent extends infer E
  ? E extends PositionEvent
    ? Omit<E, 'at'> & { at?: number }
    : never
  : never;

/** A little driver that keeps the state and the commands of the last step. */
export class Runner {
  state: PositionState;
  commands: PositionCommand[];
  all: PositionCommand[];
  private t: number;

  constructor(plan: PositionPlan, now = 1_000) {
    const r = openPosition(plan, now);
    this.state = r.state;
    this.commands = r.commands;
    this.all = [...r.commands];
    this.t = now;
  }

  send(event: EventInput): TransitionResult {
    this.t += 1_000;
    const r = transition(this.state, { at: this.t, ...event } as PositionEvent);
    this.state = r.state;
    this.commands = r.commands;
    this.all.push(...r.commands);
    return r;
  }

  fill(leg: string, qty: string, price: string, fee?: string): TransitionResult {
    return this.send({ type: 'order_fill', leg, qty, price, ...(fee == null ? {} : { fee }) });
  }

  /** Fills an order completely at its own price (limit price, stop price, or `marketPrice`). */
  fillAll(leg: string, marketPrice = '70000'): TransitionResult {
    const o = this.order(leg);
    return this.fill(leg, decStr(dec(o.qty).minus(o.filled_qty)), o.price ?? o.stop_price ?? marketPrice);
  }

  order(leg: string) {
    const o = this.state.orders.find((x) => x.leg === leg);
    if (!o) throw new Error(`no order ${leg}`);
    return o;
  }
}

export function placed(commands: readonly PositionCommand[]): PlaceOrderCommand[] {
  return commands.filter((c): c is PlaceOrderCommand => c.type === 'place_order');
}

export function canceled(commands: readonly PositionCommand[]): string[] {
  return commands.flatMap((c) => (c.type === 'cancel_order' ? [c.leg] : []));
}

export function notes(commands: readonly PositionCommand[], kind?: NotifyCommand['kind']): NotifyCommand[] {
  return commands.filter((c): c is NotifyCommand => c.type === 'notify' && (kind == null || c.kind === kind));
}

/** `leg kind side qty @price` lines, compact for assertions. */
export function summarize(commands: readonly PositionCommand[]): string[] {
  return commands.flatMap((c) => {
    if (c.type === 'place_order') {
      const o = c.order;
      const at = o.price ?? o.stop_price;
      return [
        `place ${c.leg} ${o.kind} ${o.side} ${o.qty}${at == null ? '' : ` @${at}`}${o.reduce_only ? ' RO' : ''}`,
      ];
    }
    if (c.type === 'cancel_order') return [`cancel ${c.leg}`];
    return [];
  });
}
