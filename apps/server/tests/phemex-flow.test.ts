import { FakePhemex } from '@verzek/test-support';
import { definePerpFlow } from './perp-venue-flow';

definePerpFlow({
  title: 'signal pipeline on Phemex USDT-M (fake, testnet)',
  provider: 'phemex',
  fake: () => new FakePhemex(),
  urlVariable: 'PHEMEX_URL',
  venueSymbol: (symbol) => symbol,
  placePath: '/g-orders',
  warning: /Phemex testnet does not report key permissions/,
});
