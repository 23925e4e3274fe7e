/** One row per running worker process, refreshed every few seconds (for /health and safety status). */
export interface WorkerHeartbeatsTable {
  owner: string;
  role: string;
  started_at: number;
  last_seen: number;
}
