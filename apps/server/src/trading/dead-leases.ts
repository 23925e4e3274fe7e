import { leaseOwners, releaseLeasesOf, type Db } from '@verzek/db';
import type { Logger } from '@verzek/platform';
import { isDeadLocalOwner } from '../local-owner';

/**
 * A worker restarted on the same machine (a crash, systemd restarting it) finds the leases its
 * predecessor held: owners are `host:pid:…`, and a pid of this host that no longer runs is dead, so
 * its work is released at once instead of after the lease expires. Other hosts' leases are left to
 * expire. (If a pid was reused by an unrelated process, it counts as alive: the safe direction.)
 */
export async function releaseDeadLocalLeases(db: Db, now: number, logger: Logger): Promise<void> {
  const dead = (await leaseOwners(db, now)).filter(isDeadLocalOwner);
  if (dead.length === 0) return;
  const released = await releaseLeasesOf(db, dead);
  logger.warn({ owners: dead, rows: released }, 'released the leases of dead local workers');
}
