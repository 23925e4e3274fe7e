import { describe, expect, it } from 'vitest';
import { clientOrderId } from './client-order-id';

describe('clientOrderId', () => {
  it('is deterministic, distinct per leg and inside Binance limits', () => {
    const a = clientOrderId('s12u7', 'tp-1');
    expect(clientOrderId('s12u7', 'tp-1')).toBe(a);
    expect(clientOrderId('s12u7', 'tp-1-r2')).not.toBe(a);
    expect(clientOrderId('s12u8', 'tp-1')).not.toBe(a);
    expect(a).toMatch(/^[.A-Z:/a-z0-9_-]{1,36}$/);
    expect(a).toHaveLength(32);
  });
});
