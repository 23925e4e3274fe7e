import type { Generated, Selectable } from 'kysely';

export type SourceKind = 'telegram' | 'webhook' | 'api';

/** Where signals come from. Each has its own secret (webhook HMAC / body token) and defaults. */
export interface SignalSourcesTable {
  id: Generated<number>;
  name: string;
  kind: SourceKind;
  /** Sealed (SecretBox) shared secret for webhook HMAC and body-token checks; null = none set. */
  secret: string | null;
  /** sha256 of the bearer token that lets this source call POST /api/signals; null = none. */
  token_hash: string | null;
  enabled: number;
  /** JSON: per-source defaults (trade_type, leverage, min_confidence, filters…). */
  settings: string;
  created_at: number;
  updated_at: number;
}

export type SignalSourceRow = Selectable<SignalSourcesTable>;
