import { krakenSymbol } from '@verzek/exchange';
import { FakeKrakenFutures } from '@verzek/test-support';
import { definePerpFlow } from './perp-venue-flow';

definePerpFlow({
  title: 'signal pipeline on Kraken Futures (fake, demo)',
  provider: 'kraken_futures',
  fake: () => new FakeKrakenFutures(),
  urlVariable: 'KRAKEN_FUTURES_URL',
  venueSymbol: krakenSymbol,
  placePath: '/derivatives/api/v3/sendorder',
  warning: /Kraken Futures demo does not report key permissions/,
});
