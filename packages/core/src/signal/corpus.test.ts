import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSignalText } from './text/parse-text';
import type { ParseKind, ParsedSignal, ParsedUpdate } from './types';

interface Expected {
  kind: ParseKind;
  signal?: ParsedSignal;
  update?: ParsedUpdate;
  reason_includes?: string;
}
interface Case {
  name: string;
  text: string;
  expected: Expected;
  min_confidence?: number;
  max_confidence?: number;
}
interface FixtureFile {
  category: 'signal' | 'update' | 'none';
  layout: string;
  description: string;
  cases: Case[];
}

const dir = join(import.meta.dirname, '../../fixtures/signals');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ file: f, data: JSON.parse(readFileSync(join(dir, f), 'utf8')) as FixtureFile }));

describe('signal corpus', () => {
  for (const { file, data } of files) {
    describe(`${file} (${data.layout})`, () => {
      for (const c of data.cases) {
        it(c.name, () => {
          const r = parseSignalText(c.text);
          expect(r.reason).not.toBe('internal');
          expect(r.kind, `reason: ${r.reason ?? ''}`).toBe(c.expected.kind);
          expect(r.kind).toBe(data.category);
          if (c.expected.signal) expect(r.signal).toEqual(c.expected.signal);
          if (c.expected.update) expect(r.update).toEqual(c.expected.update);
          if (c.expected.reason_includes) expect(r.reason).toContain(c.expected.reason_includes);
          if (r.kind === 'none') {
            expect(r.confidence).toBe(0);
            expect(typeof r.reason).toBe('string');
          } else {
            expect(r.confidence).toBeGreaterThan(0);
            expect(r.confidence).toBeLessThanOrEqual(1);
          }
          if (c.min_confidence !== undefined) expect(r.confidence).toBeGreaterThanOrEqual(c.min_confidence);
          if (c.max_confidence !== undefined) expect(r.confidence).toBeLessThanOrEqual(c.max_confidence);
        });
      }
    });
  }

  it('is large and varied enough', () => {
    const all = files.flatMap((f) => f.data.cases.map((c) => ({ ...c, file: f.data })));
    const signals = files.filter((f) => f.data.category === 'signal');
    const updates = files.filter((f) => f.data.category === 'update');
    const nones = all.filter((c) => c.file.category === 'none');
    expect(all.length).toBeGreaterThanOrEqual(150);
    expect(new Set(signals.map((f) => f.data.layout)).size).toBeGreaterThanOrEqual(10);
    expect(nones.length).toBeGreaterThanOrEqual(60);
    const kinds = new Map<string, number>();
    for (const f of updates)
      for (const c of f.data.cases) {
        const k = c.expected.update?.kind ?? '?';
        kinds.set(k, (kinds.get(k) ?? 0) + 1);
      }
    for (const k of ['TP_HIT', 'ALL_TP', 'SL_HIT', 'CANCELLED', 'CLOSED', 'ENTRY_FILLED']) {
      expect(kinds.get(k) ?? 0, k).toBeGreaterThanOrEqual(4);
    }
  });
});
