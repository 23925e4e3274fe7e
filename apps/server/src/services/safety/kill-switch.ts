import { readSafety, writeSafety, type Db } from '@verzek/db';
import type { EventBus } from '../../events/bus';
import { audit } from '../audit';
import { alertAdmins } from '../notify/notify';

/**
 * Turns the global kill switch on or off, recording who did it (an admin or the circuit breaker),
 * with an admin alert, and tells every connected client. Returns false when nothing changed.
 */
export async function setKillSwitch(
  deps: { db: Db; bus: EventBus; now: number },
  change: {
    on: boolean;
    by: 'admin' | 'breaker';
    userId: number | null;
    reason: string;
    ip?: string | null;
    /** Change it only if the switch is on and was set by this setter (the breaker's auto-resume). */
    onlyIfSetBy?: 'admin' | 'breaker';
  },
): Promise<boolean> {
  const { db, now } = deps;
  const changed = await db.transaction().execute(async (trx) => {
    const current = await readSafety(trx);
    if ((current.kill_switch === 1) === change.on) return false;
    if (change.onlyIfSetBy !== undefined && current.set_by !== change.onlyIfSetBy) return false;
    await writeSafety(trx, {
      kill_switch: change.on ? 1 : 0,
      reason: change.on ? change.reason : null,
      set_by: change.on ? change.by : null,
      set_by_user: change.on ? change.userId : null,
      recovered_since: null,
      updated_at: now,
    });
    await alertAdmins(trx, {
      kind: change.by === 'breaker' ? 'circuit_breaker' : 'kill_switch',
      text: `Kill switch ${change.on ? 'ON' : 'OFF'} (${change.by}): ${change.reason}`,
      userId: change.userId,
      data: { on: change.on, by: change.by },
      at: now,
    });
    if (change.by === 'admin' && change.userId !== null) {
      await audit(trx, {
        action: 'admin_kill_switch',
        at: now,
        userId: null,
        actorId: change.userId,
        ip: change.ip ?? null,
        // was_set_by: an admin turning off the breaker's switch restarts the breaker's window.
        detail: { on: change.on, reason: change.reason, was_set_by: current.set_by },
      });
    }
    return true;
  });
  if (changed) {
    deps.bus.publish({
      type: 'safety',
      audience: 'all',
      data: { kill_switch: change.on, reason: change.reason, by: change.by },
    });
  }
  return changed;
}
