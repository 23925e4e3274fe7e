/**
 * `npm run bench [name…]`: runs every `bench/*.bench.ts` (or the named ones: `fanout` is
 * `bench/fanout.bench.ts` alone) and rewrites
 * docs/benchmarks.md with their results, the machine and the date. Sections of benchmarks not run
 * this time are kept from the previous file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface BenchResult {
  /** Section title, stable across runs (the key for keeping old sections). */
  title: string;
  /** Markdown body: what was measured, how, the table of figures, and what bounds it. */
  markdown: string;
}

const here = import.meta.dirname;
const out = path.join(here, '..', 'docs', 'benchmarks.md');

function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}`;
}

function previousSections(): Map<string, string> {
  const sections = new Map<string, string>();
  if (!fs.existsSync(out)) return sections;
  const text = fs.readFileSync(out, 'utf8');
  const parts = text.split(/^## /m).slice(1);
  for (const part of parts) {
    const title = part.slice(0, part.indexOf('\n')).trim();
    sections.set(title, `## ${part.trimEnd()}\n`);
  }
  return sections;
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = fs
    .readdirSync(here)
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => f.replace(/\.bench\.ts$/, ''))
    .sort();
  const unknown = wanted.filter((w) => !names.includes(w));
  if (unknown.length > 0)
    throw new Error(`no benchmark ${unknown.join(', ')}; there are: ${names.join(', ')}`);
  const files = names.filter((n) => wanted.length === 0 || wanted.includes(n)).map((n) => `${n}.bench.ts`);
  const sections = previousSections();
  const date = new Date().toISOString().slice(0, 10);
  for (const file of files) {
    process.stdout.write(`running ${file}…\n`);
    const mod = (await import(pathToFileURL(path.join(here, file)).href)) as { run(): Promise<BenchResult> };
    const result = await mod.run();
    sections.set(
      result.title,
      `## ${result.title}\n\n_Run ${date} on ${machine()}._\n\n${result.markdown.trim()}\n`,
    );
    process.stdout.write(`${result.markdown.trim()}\n\n`);
  }
  const body = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (`npm run bench -- <name>` runs one). Each section says when and on what machine it ran.',
    '',
    ...[...sections.values()],
  ].join('\n');
  fs.writeFileSync(out, `${body.trimEnd()}\n`);
  process.stdout.write(`wrote ${out}\n`);
}

await main();
