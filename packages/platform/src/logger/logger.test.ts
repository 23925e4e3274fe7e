import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, lazyChild, redactUrl } from './logger';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { lines, logger: createLogger({ level: 'info', destination }) };
}

describe('logger', () => {
  it('makes a lazy child only when it logs, with its bindings redacted like any other', () => {
    const { lines, logger } = capture();
    let children = 0;
    const counting = new Proxy(logger, {
      get: (target, key, receiver) =>
        key === 'child'
          ? (...args: Parameters<typeof logger.child>) => {
              children += 1;
              return target.child(...args);
            }
          : (Reflect.get(target, key, receiver) as unknown),
    });
    lazyChild(counting, { positionId: 7 }); // never logs
    expect(children).toBe(0);
    const noisy = lazyChild(counting, { positionId: 8, api_secret: 'never-logged' });
    noisy.warn({ symbol: 'BTCUSDT' }, 'first');
    noisy.error('second');
    expect(children).toBe(1);
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toContain('"positionId":8');
      expect(line).not.toContain('never-logged');
    }
    expect(lines[0]).toContain('"symbol":"BTCUSDT"');
  });

  it('redacts secrets at the top level and nested', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        password: 'hunter2',
        body: { refresh_token: 'rt-abc', api_secret: 's3' },
        req: { headers: { authorization: 'Bearer xyz' } },
      },
      'event',
    );
    const out = lines.join('');
    for (const secret of ['hunter2', 'rt-abc', 's3"', 'Bearer xyz']) expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
  });

  it('redacts tokens in URLs', () => {
    expect(redactUrl('/api/auth/verify-email?token=abc123&x=1')).toBe(
      '/api/auth/verify-email?token=[redacted]&x=1',
    );
  });

  it('masks Telegram bot tokens anywhere in a line (error messages, stacks, URLs)', () => {
    const { lines, logger } = capture();
    const token = '123456789:TEST-fake-token-for-tests-only_abcdef';
    const err = new Error(`request to http://127.0.0.1/bot${token}/sendMessage failed`);
    logger.error({ err, url: `/bot${token}/getMe`, nested: { why: token } }, `failed ${token}`);
    const out = lines.join('');
    expect(out).not.toContain(token);
    expect(out).not.toContain('TEST-fake-token');
    expect(out).toContain('[redacted-bot-token]');
    expect(JSON.parse(out)).toMatchObject({ level: 50 });
  });
});
