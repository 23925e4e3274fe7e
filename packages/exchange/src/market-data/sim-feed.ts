import { Dec, dec, decStr, roundToStep } from '@verzek/core';
import type { Clock } from '@verzek/platform';
import {
  BUNDLED_CANDLE_SYMBOLS,
  type Candle,
  candleIntervalMs,
  candlePath,
  loadBundledCandles,
  seriesDecimalPlaces,
} from './candles';
import { LocalFeed } from './local-feed';
import { mulberry32, normal, type Random, seedFor } from './prng';
import { referenceFor } from './reference-prices';
import { normalizeSymbol } from './symbols';
import type { FeedLogger, PriceFeed, PriceTick } from './types';

/** Candle replay settings of the simulated feed. */
export interface SimReplayOptions {
  /**
   * Candles per symbol, or `'bundled'` for the synthetic files shipped in
   * `packages/exchange/fixtures/candles` (BTCUSDT, ETHUSDT, SOLUSDT). Subscribed symbols without
   * candles fall back to the random walk.
   */
  candles: Readonly<Record<string, readonly Candle[]>> | 'bundled';
  /**
   * Playback speed as a multiple of real time (60 plays a one-minute candle in one second).
   * When set, the timer interval is derived from it and `intervalMs` is ignored.
   */
  speed?: number;
  /** Steps per leg of the open → low/high → close path (default 1: four points per candle). */
  stepsPerLeg?: number;
  /** Start over at the first candle after the last one (default true); otherwise random-walk on. */
  loop?: boolean;
  /** Tick timestamps: the feed's clock (default), or the candle's own time (for backtests). */
  timestamps?: 'clock' | 'candle';
}

/** Options of {@link createSimFeed}. */
export interface SimFeedOptions {
  /** Source of tick timestamps. */
  clock: Clock;
  /** PRNG seed; the same seed and subscriptions give the same prices (default 1). */
  seed?: number;
  /** Milliseconds between ticks while started (default 1000). `step()` works without the timer. */
  intervalMs?: number;
  /**
   * Standard deviation of each tick's relative move, in percent (default `"0.05"`, i.e. 0.05 %
   * per tick). The walk is log-normal, so prices stay positive.
   */
  volatilityPct?: string | number;
  /** Starting prices overriding the bundled reference levels, e.g. `{ BTCUSDT: '60000' }`. */
  startPrices?: Readonly<Record<string, string>>;
  /** Half-spread in ticks used to quote bid/ask around the price (default 1; 0 = no bid/ask). */
  spreadTicks?: number;
  /** Replay candles instead of random-walking the symbols that have them. */
  replay?: SimReplayOptions;
  /** Logger for listener failures. */
  logger?: FeedLogger;
}

/** The simulated feed: a seeded random walk, or a candle replay, per subscribed symbol. */
export interface SimFeed extends PriceFeed {
  readonly kind: 'sim';
  /** Advances every subscribed symbol by one tick, synchronously, emits and returns the ticks. */
  step(): PriceTick[];
  /** The timer interval in use while started, in ms. */
  readonly intervalMs: number;
}

interface WalkState {
  mode: 'walk';
  price: Dec;
  tick: Dec;
  random: Random;
}

interface ReplayState {
  mode: 'replay';
  candles: readonly Candle[];
  candleMs: number;
  index: number;
  path: string[];
  pos: number;
  places: number;
  tick: Dec;
}

type SymbolState = WalkState | ReplayState;

class SimPriceFeed extends LocalFeed implements SimFeed {
  readonly kind = 'sim' as const;
  readonly intervalMs: number;
  private readonly seed: number;
  private readonly sigmaNum: number;
  private readonly spreadTicks: number;
  private readonly startPrices: Record<string, string>;
  private readonly replay: Required<Omit<SimReplayOptions, 'speed' | 'candles'>> | null;
  private readonly replayCandles = new Map<string, readonly Candle[]>();
  private readonly bundled: boolean;
  private readonly states = new Map<string, SymbolState>();
  private timer: NodeJS.Timeout | undefined;

  constructor(options: SimFeedOptions) {
    super(options.clock, options.logger);
    this.seed = Math.trunc(options.seed ?? 1);
    const vol = dec(String(options.volatilityPct ?? '0.05'));
    if (vol.lt(0) || vol.gt(20)) throw new RangeError('volatilityPct must be between 0 and 20');
    this.sigmaNum = vol.div(100).toNumber(); // a volatility parameter, not a price
    this.spreadTicks = options.spreadTicks ?? 1;
    if (!Number.isInteger(this.spreadTicks) || this.spreadTicks < 0)
      throw new RangeError('spreadTicks must be ≥ 0');
    this.startPrices = {};
    for (const [symbol, price] of Object.entries(options.startPrices ?? {})) {
      this.startPrices[normalizeSymbol(symbol)] = price;
    }

    const replay = options.replay;
    this.bundled = replay?.candles === 'bundled';
    this.replay = replay
      ? {
          stepsPerLeg: replay.stepsPerLeg ?? 1,
          loop: replay.loop ?? true,
          timestamps: replay.timestamps ?? 'clock',
        }
      : null;
    if (replay && replay.candles !== 'bundled') {
      for (const [symbol, candles] of Object.entries(replay.candles)) {
        if (candles.length === 0) throw new RangeError(`no candles for ${symbol}`);
        this.replayCandles.set(normalizeSymbol(symbol), candles);
      }
    }

    let interval = options.intervalMs ?? 1000;
    if (replay?.speed !== undefined) {
      if (!(replay.speed > 0)) throw new RangeError('replay.speed must be positive');
      const first = this.bundled
        ? loadBundledCandles(BUNDLED_CANDLE_SYMBOLS[0])
        : [...this.replayCandles.values()][0];
      const pointsPerCandle = 3 * (this.replay?.stepsPerLeg ?? 1) + 1;
      interval = candleIntervalMs(first ?? []) / replay.speed / pointsPerCandle;
    }
    if (!(interval >= 1)) throw new RangeError('tick interval must be at least 1 ms');
    this.intervalMs = Math.round(interval);
  }

  step(): PriceTick[] {
    const now = this.clock.now();
    const ticks: PriceTick[] = [];
    for (const symbol of this.subscriptions.symbols()) {
      const state = this.stateOf(symbol);
      const { price, ts } =
        state.mode === 'walk' ? this.walk(state, now) : this.replayStep(symbol, state, now);
      const tick = this.quote(symbol, price, state.tick, ts);
      ticks.push(tick);
      this.hub.emit(tick, now);
    }
    return ticks;
  }

  protected override onStart(): void {
    this.clearTimer();
    this.timer = setInterval(() => this.step(), this.intervalMs);
    this.timer.unref();
  }

  protected override onStop(): void {
    this.clearTimer();
  }

  protected override onSymbolAdded(symbol: string): void {
    this.stateOf(symbol);
  }

  private clearTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The symbol's walker or replay cursor, created on first use and kept across unsubscribes. */
  private stateOf(symbol: string): SymbolState {
    let state = this.states.get(symbol);
    if (state) return state;
    const candles = this.candlesFor(symbol);
    if (candles) {
      const places = seriesDecimalPlaces(candles);
      state = {
        mode: 'replay',
        candles,
        candleMs: candleIntervalMs(candles),
        index: 0,
        path: candlePath(candles[0] as Candle, this.replay?.stepsPerLeg, places),
        pos: 0,
        places,
        tick: new Dec(10).pow(-places),
      };
    } else {
      const ref = referenceFor(symbol, this.startPrices[symbol]);
      state = {
        mode: 'walk',
        price: dec(ref.price),
        tick: dec(ref.tick),
        random: mulberry32(seedFor(this.seed, symbol)),
      };
    }
    this.states.set(symbol, state);
    return state;
  }

  private candlesFor(symbol: string): readonly Candle[] | undefined {
    if (!this.replay) return undefined;
    if (this.bundled && (BUNDLED_CANDLE_SYMBOLS as readonly string[]).includes(symbol)) {
      if (!this.replayCandles.has(symbol)) this.replayCandles.set(symbol, loadBundledCandles(symbol));
    }
    return this.replayCandles.get(symbol);
  }

  /**
   * One log-normal step: price × exp(σz − σ²/2), kept unrounded internally, quoted on the tick grid.
   * The random factor is drawn as a float (it is a multiplier, not a price) and enters the Decimal
   * arithmetic as a 15-decimal string; the price itself never becomes a float.
   */
  private walk(state: WalkState, now: number): { price: string; ts: number } {
    if (this.sigmaNum > 0) {
      const factor = Math.exp(this.sigmaNum * normal(state.random) - (this.sigmaNum * this.sigmaNum) / 2);
      state.price = state.price.mul(factor.toFixed(15)).toSignificantDigits(24);
    }
    const rounded = roundToStep(state.price, state.tick);
    return { price: decStr(Dec.max(rounded, state.tick)), ts: now };
  }

  private replayStep(symbol: string, state: ReplayState, now: number): { price: string; ts: number } {
    if (state.pos >= state.path.length) {
      state.index += 1;
      if (state.index >= state.candles.length) {
        if (!this.replay?.loop) {
          // out of candles: random-walk on from the last close
          const last = state.candles[state.candles.length - 1] as Candle;
          const walker: WalkState = {
            mode: 'walk',
            price: dec(last.close),
            tick: state.tick,
            random: mulberry32(seedFor(this.seed, symbol)),
          };
          this.states.set(symbol, walker);
          return this.walk(walker, now);
        }
        state.index = 0;
      }
      state.path = candlePath(state.candles[state.index] as Candle, this.replay?.stepsPerLeg, state.places);
      state.pos = 0;
    }
    const candle = state.candles[state.index] as Candle;
    const ts =
      this.replay?.timestamps === 'candle'
        ? candle.ts + Math.floor((state.pos * state.candleMs) / state.path.length)
        : now;
    const price = state.path[state.pos] as string;
    state.pos += 1;
    return { price, ts };
  }

  private quote(symbol: string, price: string, tick: Dec, ts: number): PriceTick {
    if (this.spreadTicks === 0) return { symbol, price, ts };
    const half = tick.mul(this.spreadTicks);
    const bid = dec(price).minus(half);
    return {
      symbol,
      price,
      ...(bid.gt(0) ? { bid: decStr(bid) } : {}),
      ask: decStr(dec(price).plus(half)),
      ts,
    };
  }
}

/**
 * Creates the simulated feed: each subscribed symbol moves by a deterministic, seeded log-normal
 * random walk from a reference price (or replays candles), one tick every `intervalMs` while started,
 * or one tick per `step()` call.
 */
export function createSimFeed(options: SimFeedOptions): SimFeed {
  return new SimPriceFeed(options);
}
