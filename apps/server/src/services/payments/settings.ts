import { ConfigError, type Config } from '@verzek/platform';
import type { PaidPlan } from '@verzek/db';
import { tronAddressToHex } from './tron';

/** The payment configuration, checked once (addresses decoded) and shared by routes and workers. */
export interface PaymentSettings {
  enabled: boolean;
  /** Why payments are off (for 503 answers and /api/plans), null when enabled. */
  disabledReason: string | null;
  walletAddress: string | null;
  usdtContract: string;
  prices: Record<PaidPlan, string>;
  durationDays: number;
  trongridUrl: string;
  trongridApiKey?: string;
  referralCreditUsdt: string;
  maxAgeHours: number;
  giveUpHours: number;
}

const cache = new WeakMap<Config, PaymentSettings>();

/**
 * Reads `config.payments`. Throws ConfigError when an address has a bad checksum, so a typo in the
 * wallet stops the server at start instead of rejecting every payment.
 */
export function paymentSettings(config: Config): PaymentSettings {
  const cached = cache.get(config);
  if (cached) return cached;
  const p = config.payments;
  const problems: string[] = [];
  const check = (name: string, address: string | undefined) => {
    if (address === undefined) return;
    try {
      tronAddressToHex(address);
    } catch (err) {
      problems.push(`${name}: ${(err as Error).message}`);
    }
  };
  check('TRON_WALLET_ADDRESS', p.walletAddress);
  check('TRON_USDT_CONTRACT', p.usdtContract);
  if (problems.length > 0) throw new ConfigError(problems);
  const settings: PaymentSettings = {
    enabled: p.walletAddress !== undefined,
    disabledReason:
      p.walletAddress === undefined
        ? 'Payments are disabled: the operator has not set a TRON wallet (TRON_WALLET_ADDRESS)'
        : null,
    walletAddress: p.walletAddress ?? null,
    usdtContract: p.usdtContract,
    prices: { ...p.prices },
    durationDays: p.durationDays,
    trongridUrl: p.trongridUrl,
    trongridApiKey: p.trongridApiKey,
    referralCreditUsdt: p.referralCreditUsdt,
    maxAgeHours: p.maxAgeHours,
    giveUpHours: p.giveUpHours,
  };
  cache.set(config, settings);
  return settings;
}
