/** When a scheduled job is due: every N ms, or daily at a UTC time. */
export type Schedule = { everyMs: number } | { dailyAtUtc: string };

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * The period whose run is due at `now`: the current interval for `everyMs`, or the latest daily
 * occurrence at or before now (so a worker that was down at 23:59 catches up the day it missed).
 */
export function duePeriod(schedule: Schedule, now: number): string {
  if ('everyMs' in schedule) {
    if (!(schedule.everyMs >= 1000)) throw new Error('everyMs must be at least 1000');
    return `e${schedule.everyMs}:${Math.floor(now / schedule.everyMs)}`;
  }
  const m = HHMM.exec(schedule.dailyAtUtc);
  if (!m) throw new Error(`dailyAtUtc must be HH:MM, got ${schedule.dailyAtUtc}`);
  const d = new Date(now);
  let at = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), Number(m[1]), Number(m[2]));
  if (at > now) at -= 86_400_000;
  return `d${new Date(at).toISOString().slice(0, 10)}`;
}
