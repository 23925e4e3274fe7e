import { randomBytes } from 'node:crypto';
import os from 'node:os';

/**
 * A name for something this process holds in the database (leases, job claims, heartbeats):
 * `host:pid:[kind:]random`, so a successor on the same machine can tell its predecessor is dead.
 */
export function localOwner(kind?: string): string {
  const tag = randomBytes(3).toString('hex');
  return `${os.hostname()}:${process.pid}:${kind ? `${kind}:` : ''}${tag}`;
}

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
 * True when `owner` ({@link localOwner}) names a process of this machine that no longer runs (never
 * this process). Other hosts' owners are never dead by this test; a pid reused by an unrelated
 * process counts as alive — the safe direction.
 */
export function isDeadLocalOwner(owner: string): boolean {
  const [host, p] = owner.split(':');
  const pid = Number(p);
  return host === os.hostname() && Number.isInteger(pid) && pid > 0 && pid !== process.pid && !alive(pid);
}
