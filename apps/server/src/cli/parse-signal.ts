import { createInterface } from 'node:readline';
import { parseSignalText } from '@verzek/core';
import type { CliIo } from './main';

async function readAll(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * `verzek parse-signal`: one message on stdin → its parse as JSON. `--jsonl`: one JSON-encoded string
 * per line → one JSON result per line (a line that isn't a JSON string gives `{"error": …}`).
 * This interface is how parsers are compared: keep it stable.
 */
export async function parseSignal(args: { jsonl?: boolean }, io: CliIo): Promise<number> {
  if (!args.jsonl) {
    io.out(`${JSON.stringify(parseSignalText(await readAll()))}\n`);
    return 0;
  }
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    let text: unknown;
    try {
      text = JSON.parse(line);
    } catch {
      text = undefined;
    }
    io.out(
      `${JSON.stringify(typeof text === 'string' ? parseSignalText(text) : { error: 'each line must be a JSON string' })}\n`,
    );
  }
  return 0;
}
