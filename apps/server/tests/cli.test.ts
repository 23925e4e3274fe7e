import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = path.resolve(import.meta.dirname, '../bin/verzek.mjs');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

function env(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !['DATABASE_URL', 'JWT_SECRET', 'MASTER_KEY', 'PORT', 'SMTP_URL'].includes(k),
    ),
  );
  return { ...clean, DATA_DIR: dataDir, LOG_LEVEL: 'warn', MARKET_FEED: 'manual', ...extra };
}

function run(args: string[], options: { env: NodeJS.ProcessEnv; input?: string; cwd?: string }) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: options.env, cwd: options.cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

async function waitForPing(url: string, child: ChildProcess, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const r = await fetch(`${url}/api/ping`);
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error('server did not come up');
}

function startServe(dataDir: string, port: number, args: string[] = ['serve']) {
  const child = spawn(process.execPath, [BIN, ...args, '--port', String(port)], {
    env: env(dataDir),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

const json = { 'content-type': 'application/json' };

describe('verzek command line', () => {
  it('serves, persists across a graceful restart, and keeps its generated secrets private', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verzek-cli-'));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let server = startServe(dataDir, port);
    await waitForPing(url, server.child);
    const reg = await fetch(`${url}/api/auth/register`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ username: 'test01', email: 'test01@verzek.com', password: 'secret123' }),
    });
    expect(reg.status).toBe(201);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);

    server = startServe(dataDir, port);
    await waitForPing(url, server.child);
    const login = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email: 'test01@verzek.com', password: 'secret123' }),
    });
    expect(login.status).toBe(200);
    const { access_token } = (await login.json()) as { access_token: string };
    const me = await fetch(`${url}/api/auth/me`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(((await me.json()) as { username: string }).username).toBe('test01');
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);

    for (const f of ['jwt.key', 'master.key']) {
      expect(fs.statSync(path.join(dataDir, 'secrets', f)).mode & 0o777).toBe(0o600);
    }
    expect(server.output()).not.toContain('secret123');
  });

  it('creates an admin from a password on stdin, and migrates', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verzek-cli-'));
    const migrated = await run(['migrate'], { env: env(dataDir) });
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toMatch(/applied \d+ migration/);
    expect((await run(['migrate'], { env: env(dataDir) })).stdout).toMatch(/up to date/);

    const created = await run(['admin', 'create', '--email', 'Boss@Example.com', '--password-stdin'], {
      env: env(dataDir),
      input: 'correct horse battery\n',
    });
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/created administrator boss@example.com/);
    const short = await run(['admin', 'create', '--email', 'x@example.com', '--password-stdin'], {
      env: env(dataDir),
      input: 'short\n',
    });
    expect(short.code).toBe(2);
    const noStdin = await run(['admin', 'create', '--email', 'x@example.com'], { env: env(dataDir) });
    expect(noStdin.code).toBe(2);
  });

  it('refuses a bad configuration naming each variable', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verzek-cli-'));
    const r = await run(['migrate'], {
      env: env(dataDir, { PORT: 'abc', DATABASE_URL: 'mysql://x', JWT_SECRET: 'tooshort' }),
    });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('PORT');
    expect(r.stderr).toContain('DATABASE_URL');
    expect(r.stderr).toContain('JWT_SECRET');
    expect(r.stderr).not.toContain('tooshort');
    expect((await run(['frobnicate'], { env: env(dataDir) })).code).toBe(2);
  });

  it('parses a message from stdin, and JSON lines one per line', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verzek-cli-'));
    const one = await run(['parse-signal'], {
      env: env(dataDir),
      input: '#BTC/USDT LONG\nEntry: 70000\nTP1 70500 TP2 71000\nSL 69500\n',
    });
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout)).toMatchObject({
      kind: 'signal',
      signal: {
        symbol: 'BTCUSDT',
        direction: 'LONG',
        entries: ['70000'],
        targets: ['70500', '71000'],
        stop_loss: '69500',
      },
    });
    const many = await run(['parse-signal', '--jsonl'], {
      env: env(dataDir),
      input: `${JSON.stringify('gm guys')}\n${JSON.stringify('#ETH/USDT Take-Profit target 2 ✅')}\nnot json\n`,
    });
    const lines = many.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ kind: 'none' });
    expect(lines[1]).toMatchObject({
      kind: 'update',
      update: { kind: 'TP_HIT', target: 2, symbol: 'ETHUSDT' },
    });
    expect(lines[2]).toHaveProperty('error');
  });

  it('runs the demo offline with printed demo accounts that can log in', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const demo = startServe(os.tmpdir(), port, ['demo']);
    await waitForPing(url, demo.child);
    const line = /(trader@verzek\.demo)\s+(\S+)\s+PREMIUM/.exec(demo.output());
    expect(line).not.toBeNull();
    const login = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email: line![1], password: line![2] }),
    });
    expect(login.status).toBe(200);
    demo.child.kill('SIGTERM');
    expect(await demo.exited).toBe(0);
  });
});
