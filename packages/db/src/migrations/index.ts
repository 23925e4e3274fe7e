import { accounts } from './0001-accounts';
import { jobRuns } from './0002-job-runs';
import { notifications } from './0003-notifications';
import { payments } from './0004-payments';
import { trading } from './0005-trading';
import { paper } from './0006-paper';
import { workerHeartbeats } from './0007-worker-heartbeats';
import { positionsClosedAt } from './0008-positions-closed-at';
import { telegram } from './0009-telegram';
import { push } from './0010-push';
import { signalOutcomes } from './0011-signal-outcomes';
import { positionClaims } from './0012-position-claims';
import { workerVersions } from './0013-worker-versions';
import type { Migration } from './types';

/** Every migration, in order. Append only: never edit or reorder a migration that has shipped. */
export const migrations: readonly Migration[] = [
  accounts,
  jobRuns,
  notifications,
  payments,
  trading,
  paper,
  workerHeartbeats,
  positionsClosedAt,
  telegram,
  push,
  signalOutcomes,
  positionClaims,
  workerVersions,
];

/** The schema version this code was built for: how many migrations it knows. */
export const SCHEMA_VERSION = migrations.length;

export * from './types';
