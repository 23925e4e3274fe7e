import os from 'node:os';
import { leaseOwners, releaseLeasesOf, type Db } from '@verzek/db';
import type { Logger } from '@verzek/platform';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A worker restarted on the same machine (a crash, systemd restarting it) finds the leases its
 * predecessor held: owners are `host:pid:…`, and a pid of this host that no longer runs is dead, so
 * its work is released at once instead of after the lease expires. Other hosts' leases are left to
 * expire. (If a pid was reused by an unrelated process, it counts as alive: the safe direction.)
 */
export async function releaseDeadLocalLeases(db: Db, now: number, logger: Logger): Promise<void> {
  const host = os.hostname();
  const dead = (await leaseOwners(db, now)).filter((owner) => {
    const [h, pid] = owner.split(':');
    return h === host && Number(pid) !== process.pid && Number.isInteger(Number(pid)) && !alive(Number(pid));
  });
  if (dead.length === 0) return;
  const released = await releaseLeasesOf(db, dead);
  logger.warn({ owners: dead, rows: released }, 'released the leases of dead local workers');
}
