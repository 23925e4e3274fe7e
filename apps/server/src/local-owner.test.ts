import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { isDeadLocalOwner, localOwner } from './local-owner';

/** The pid of a process of this machine that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(r.stdout);
}

describe('local owners', () => {
  it('names this process, and tells a dead process of this machine from a live or foreign one', () => {
    const mine = localOwner('engine');
    expect(mine).toMatch(new RegExp(`^${os.hostname()}:${process.pid}:engine:[0-9a-f]{6}$`));
    expect(localOwner()).toMatch(new RegExp(`^${os.hostname()}:${process.pid}:[0-9a-f]{6}$`));
    expect(isDeadLocalOwner(mine)).toBe(false);
    const dead = deadPid();
    expect(dead).toBeGreaterThan(0);
    expect(isDeadLocalOwner(`${os.hostname()}:${dead}:abcdef`)).toBe(true);
    expect(isDeadLocalOwner(`${os.hostname()}:${process.ppid}:abcdef`)).toBe(false); // alive
    expect(isDeadLocalOwner(`another-host:${dead}:abcdef`)).toBe(false); // not ours to judge
    expect(isDeadLocalOwner('w1')).toBe(false);
    expect(isDeadLocalOwner(`${os.hostname()}:0:x`)).toBe(false);
  });
});
