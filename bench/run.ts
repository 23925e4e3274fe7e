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

/**
 * A fixed pure-JavaScript workload (arithmetic, allocation, JSON). Its time says how fast this
 * machine ran around a benchmark: on shared virtual machines the same code runs up to ~40 % slower
 * in one hour than in another, and a figure is only comparable with its probe.
 */
function cpuProbeMs(): number {
  const started = performance.now();
  let x = 0;
  for (let i = 0; i < 3e7; i++) x += Math.sqrt(i) * 1.0001;
  const kept: unknown[] = [];
  for (let i = 0; i < 2e5; i++) kept.push(JSON.parse(JSON.stringify({ a: i, b: [1, 2, 3], c: `x${i}` })));
  if (x < 0 || kept.length === 0) throw new Error('unreachable');
  return Math.round(performance.now() - started);
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
    const before = cpuProbeMs();
    const result = await mod.run();
    const probe = `CPU probe (a fixed workload, lower is faster) ${before} ms before, ${cpuProbeMs()} ms after`;
    sections.set(
      result.title,
      `## ${result.title}\n\n_Run ${date} on ${machine()}. ${probe}._\n\n${result.markdown.trim()}\n`,
    );
    process.stdout.write(`${result.markdown.trim()}\n\n`);
  }
  const body = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (`npm run bench -- <name>` runs one). Each section says when and on what machine it ran, and how fast that machine ran then: a CPU probe, one fixed workload timed before and after the benchmark (on the shared 2-vCPU machine of these figures it has read from ~400 ms in a quiet hour to ~700 ms in a busy one; compare figures only with similar probes).',
    '',
    ...[...sections.values()],
  ].join('\n');
  fs.writeFileSync(out, `${body.trimEnd()}\n`);
  process.stdout.write(`wrote ${out}\n`);
}

await main();
