import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { configVariableNames } from '@verzek/platform';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');

/** Files in the repository (tracked or about to be), never node_modules or data. */
function repoFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .filter(Boolean)
    .filter((f) => fs.existsSync(path.join(root, f)) && fs.statSync(path.join(root, f)).size < 2_000_000);
}

const SECRET_PATTERNS: [string, RegExp][] = [
  ['a signed JWT', /eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,}/],
  ['a Telegram bot token', /\b\d{8,10}:AA[A-Za-z0-9_-]{30,}\b/],
  ['a private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  // Assembled from parts so that this file does not match itself.
  [
    'a secret of the old system',
    new RegExp([['VerzekAutoTrader', 'Key2025'].join(''), ['AAEqBFx5g0', 'NJpEvUOCP'].join('')].join('|')),
  ],
  ['an AWS key', /AKIA[0-9A-Z]{16}/],
];

describe('repository hygiene', () => {
  it('holds no secret values', () => {
    const hits: string[] = [];
    for (const file of repoFiles()) {
      const text = fs.readFileSync(path.join(root, file), 'utf8');
      for (const [what, re] of SECRET_PATTERNS) if (re.test(text)) hits.push(`${file}: ${what}`);
    }
    expect(hits).toEqual([]);
  });

  it('lists every configuration variable in .env.example and docs/configuration.md, with no secret value', () => {
    const example = fs.readFileSync(path.join(root, '.env.example'), 'utf8');
    const docs = fs.readFileSync(path.join(root, 'docs/configuration.md'), 'utf8');
    const assigned = new Map(
      example
        .split('\n')
        .filter((l) => /^[A-Z_]+=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const),
    );
    for (const name of configVariableNames) {
      expect(assigned.has(name), `${name} in .env.example`).toBe(true);
      expect(docs.includes(`\`${name}\``), `${name} in docs/configuration.md`).toBe(true);
    }
    for (const name of assigned.keys())
      expect(configVariableNames, `${name} is read by the code`).toContain(name);
    for (const name of ['JWT_SECRET', 'MASTER_KEY', 'SMTP_URL']) expect(assigned.get(name)).toBe('');
  });
});
