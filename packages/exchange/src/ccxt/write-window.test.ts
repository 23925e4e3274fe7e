import { describe, expect, it } from 'vitest';
import { WriteWindow } from './write-window';

describe('WriteWindow', () => {
  it('keeps "not found" inconclusive until the validity window of the last send has passed', () => {
    let now = 1_000_000;
    const w = new WriteWindow(11_000, () => now, 0);
    w.noteSent('a');
    expect(w.pendingMs('a')).toBe(11_000);
    now += 4_000;
    w.noteSent('a'); // re-sent: the window starts again
    now += 10_999;
    expect(w.pendingMs('a')).toBe(1);
    now += 1;
    expect(w.pendingMs('a')).toBe(0);
  });

  it('bounds ids it never sent by the process start (an earlier process may have sent them)', () => {
    let now = 50_000;
    const w = new WriteWindow(11_000, () => now, 45_000);
    expect(w.pendingMs('from-before-the-crash')).toBe(6_000);
    now = 56_000;
    expect(w.pendingMs('from-before-the-crash')).toBe(0);
  });

  it('forgets ids whose window has closed', () => {
    let now = 0;
    const w = new WriteWindow(100, () => now, -1_000);
    for (let i = 0; i < 1000; i++) {
      w.noteSent(`id${i}`);
      now += 1;
    }
    now += 100;
    w.noteSent('last');
    expect((w as unknown as { sentAt: Map<string, number> }).sentAt.size).toBe(1);
  });
});
