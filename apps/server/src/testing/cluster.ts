import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { createInterface } from 'node:readline';

/**
 * Real `verzek serve` processes for multi-process tests and benchmarks (the crash test, the
 * multi-process test, the scale-out benchmarks): spawn them, read their JSON log lines, kill them.
 */

const BIN = path.resolve(import.meta.dirname, '../../bin/verzek.mjs');

export type ServeRole = 'all' | 'api' | 'worker';

/** One pino line as written by a child (`msg` plus whatever fields it logged). */
export type LogLine = Record<string, unknown> & { msg?: string };

export interface ServeProcess {
  role: ServeRole;
  label: string;
  child: ChildProcess;
  pid: number;
  /**
   * Resolves when the process is serving (API: listening, with its URL; worker and all: workers
   * started).
   * Needs LOG_LEVEL info or lower; rejects if the process exits first.
   */
  ready: Promise<string | null>;
  /** The API's base URL once ready (null for workers). */
  url: string | null;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

export interface SpawnOptions {
  /** Prefix of its stderr lines (forwarded to ours). */
  label?: string;
  /** Every JSON line it writes on stdout. */
  onLog?: (line: LogLine) => void;
}

/**
 * Starts `verzek serve --role <role>` with `env` on top of ours. An API listens on 127.0.0.1 on a free
 * port unless `env.PORT` says otherwise.
 */
export function spawnServe(
  role: ServeRole,
  env: Record<string, string>,
  options: SpawnOptions = {},
): ServeProcess {
  const child = spawn(process.execPath, [BIN, 'serve', '--role', role], {
    // The child runs in the caller's environment (PATH, TEST_POSTGRES_URL…) with `env` on top.
    // eslint-disable-next-line no-restricted-properties
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const label = options.label ?? role;
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(`[${label}] ${d.toString()}`));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const proc: ServeProcess = {
    role,
    label,
    child,
    pid: child.pid ?? -1,
    url: null,
    exited,
    ready: Promise.resolve(null),
  };
  proc.ready = new Promise<string | null>((resolve, reject) => {
    const readyMsg = role === 'api' ? 'API listening' : 'workers started';
    let settled = false;
    void exited.then((code) => {
      if (!settled) reject(new Error(`${label} exited (code ${code}) before it was ready`));
      settled = true;
    });
    createInterface({ input: child.stdout! }).on('line', (text) => {
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        return;
      }
      // Role `all` listens first, then starts its workers: ready once both are up.
      if (line.msg === 'API listening') proc.url = String(line.url);
      if (!settled && line.msg === readyMsg) {
        settled = true;
        resolve(proc.url);
      }
      options.onLog?.(line);
    });
  });
  // Callers that don't wait for readiness must not get an unhandled rejection.
  proc.ready.catch(() => undefined);
  return proc;
}

/** SIGKILL (no warning, no cleanup) and wait for the exit. */
export async function killHard(proc: ServeProcess): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGKILL');
  await proc.exited;
}

/** SIGTERM (graceful stop), then SIGKILL after `graceMs`. */
export async function stopProcess(proc: ServeProcess, graceMs = 15_000): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs);
  await proc.exited;
  clearTimeout(timer);
}

/** A JSON request to a running API (no retries: every answer is returned as is). */
export async function apiCall<T = Record<string, unknown>>(
  base: string,
  method: string,
  url: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

export interface SseClient {
  status: number;
  events: SseEvent[];
  /** True once the server closed the stream or the connection failed. */
  closed(): boolean;
  close(): void;
}

/** Opens `GET /api/stream` with a bearer token and collects its events. */
export function openSse(base: string, token: string): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const events: SseEvent[] = [];
    let ended = false;
    const req = http.get(`${base}/api/stream`, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of frame.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length > 0)
            events.push({ event, data: JSON.parse(data.join('\n')) as Record<string, unknown> });
        }
      });
      res.on('close', () => (ended = true));
      res.on('error', () => (ended = true));
      resolve({ status: res.statusCode ?? 0, events, closed: () => ended, close: () => req.destroy() });
    });
    req.on('error', (err) => {
      ended = true;
      reject(err);
    });
  });
}
