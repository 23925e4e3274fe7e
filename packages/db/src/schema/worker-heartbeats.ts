/** One row per running worker process, refreshed every few seconds (for /health and safety status). */
export interface WorkerHeartbeatsTable {
  owner: string;
  role: string;
  started_at: number;
  last_seen: number;
  /** `SCHEMA_VERSION` of the worker's code; null for workers older than `0013-worker-versions`. */
  schema_version: number | null;
}
