import { describeDb, FakeBinanceFutures } from '@verzek/test-support';
import { binanceEnv, connectBinance } from './binance-helpers';
import { liveFlowScenario, type FlowVenue } from './live-flow-scenario';

/** The fake Binance USDⓈ-M as the shared §5 flow scenario sees it. */
function binanceVenue(): FlowVenue {
  const fake = new FakeBinanceFutures();
  return {
    provider: 'binance_futures',
    start: async () => {
      await fake.start();
    },
    stop: () => fake.stop(),
    env: () => binanceEnv(fake),
    setMarkPrice: (symbol, price) => fake.setMarkPrice(symbol, price),
    connect: (s, user) => connectBinance(s, user, fake),
    demoWarning: /demo trading does not report/,
    leverageOf: (apiKey, symbol) => fake.leverageOf(apiKey, symbol),
    isolated: (apiKey, symbol) => fake.marginTypeOf(apiKey, symbol) === 'ISOLATED',
    positionQty: (apiKey, symbol) => fake.position(apiKey, symbol).amt,
    openLimits: (apiKey, symbol) =>
      fake.openOrdersOf(apiKey, symbol).map((o) => {
        if (o.type !== 'LIMIT') throw new Error(`unexpected resting ${o.type} order ${o.clientOrderId}`);
        return { clientId: o.clientOrderId, price: o.price, qty: o.origQty, reduceOnly: o.reduceOnly };
      }),
    // Stops are conditional (algo) orders on Binance since 2025-12: STOP_MARKET with a quantity.
    openStops: (apiKey, symbol) =>
      fake.openAlgoOrdersOf(apiKey, symbol).map((a) => {
        if (a.orderType !== 'STOP_MARKET')
          throw new Error(`unexpected algo ${a.orderType} ${a.clientAlgoId}`);
        return {
          clientId: a.clientAlgoId,
          trigger: a.triggerPrice,
          qty: a.quantity,
          reduceOnly: a.reduceOnly,
          onMark: a.workingType === 'MARK_PRICE',
        };
      }),
    duplicateClientIds: () => [...fake.clientIdCounts().entries()].filter(([, n]) => n > 1).map(([k]) => k),
  };
}

/** The §5 flow of pipeline-flow.test.ts, on the fake Binance USDⓈ-M through ccxt (demo mode). */
describeDb('signal pipeline on Binance USDⓈ-M (fake, demo mode)', (t) => liveFlowScenario(t, binanceVenue()));
