import { describeDb, FakeBybit } from '@verzek/test-support';
import { bybitEnv, connectBybit, duplicateLinkIds } from './bybit-helpers';
import { liveFlowScenario, type FlowVenue } from './live-flow-scenario';

/**
 * The fake Bybit as the shared §5 flow scenario sees it. Margin mode is account-wide on a unified
 * account (`isolated` ignores the symbol); stops are conditional reduce-only market orders.
 */
function bybitVenue(): FlowVenue {
  const fake = new FakeBybit();
  return {
    provider: 'bybit',
    start: async () => {
      await fake.start();
    },
    stop: () => fake.stop(),
    env: () => bybitEnv(fake),
    setMarkPrice: (symbol, price) => fake.setMarkPrice(symbol, price),
    connect: (s, user) => connectBybit(s, user, fake),
    demoWarning: /Bybit demo trading does not report/,
    leverageOf: (apiKey, symbol) => fake.leverageOf(apiKey, symbol),
    isolated: (apiKey) => fake.marginModeOf(apiKey) === 'ISOLATED_MARGIN',
    positionQty: (apiKey, symbol) => fake.position(apiKey, symbol).size,
    openLimits: (apiKey, symbol) =>
      fake.openOrdersOf(apiKey, symbol).map((o) => {
        if (o.orderType !== 'Limit')
          throw new Error(`unexpected resting ${o.orderType} order ${o.orderLinkId}`);
        return { clientId: o.orderLinkId, price: o.price, qty: o.qty, reduceOnly: o.reduceOnly };
      }),
    openStops: (apiKey, symbol) =>
      fake.openStopsOf(apiKey, symbol).map((o) => {
        if (o.orderType !== 'Market')
          throw new Error(`unexpected conditional ${o.orderType} ${o.orderLinkId}`);
        return {
          clientId: o.orderLinkId,
          trigger: o.triggerPrice,
          qty: o.qty,
          reduceOnly: o.reduceOnly,
          onMark: o.triggerBy === 'MarkPrice',
        };
      }),
    duplicateClientIds: () => duplicateLinkIds(fake),
  };
}

/** The §5 flow (the same scenario as binance-flow.test.ts) on the fake Bybit v5 through ccxt (demo mode). */
describeDb('signal pipeline on Bybit USDT perpetuals (fake, demo mode)', (t) =>
  liveFlowScenario(t, bybitVenue()),
);
