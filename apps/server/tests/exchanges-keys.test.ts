import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, SecretBox } from '@verzek/platform';
import { describeDb, FakeBinanceFutures } from '@verzek/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { keys, rotateMasterKey } from '../src/cli/keys';
import { currentTotp } from '../src/services/auth/totp';
import { createSource, rotateSourceCredentials, sourceSecret } from '../src/trading/signals/sources';
import { binanceEnv, RealTimeClock } from './binance-helpers';
import { registerUser, startTestServer, type Session, type TestServer } from './harness';

/**
 * Master key rotation (`verzek keys rotate`): every sealed secret moves to the new key in one
 * transaction; the platform keeps working with the new key and the old one opens nothing.
 */
describeDb('master key rotation', (t) => {
  const fake = new FakeBinanceFutures();
  const clock = new RealTimeClock();
  let s: TestServer;
  let user: Session;
  let totpSeed = '';
  let webhookSecret = '';
  let sourceId = 0;
  let apiKey = '';

  const configOf = (dataDir: string) =>
    loadConfig(
      {},
      {
        DATA_DIR: dataDir,
        DATABASE_URL: t.target.dialect === 'sqlite' ? `sqlite:${t.target.file}` : t.target.url,
      },
    );

  beforeAll(async () => {
    await fake.start();
    s = await startTestServer(t, { env: binanceEnv(fake), clock });
    user = await registerUser(s.api);
    await s.ctx.db
      .updateTable('users')
      .set({ email_verified_at: clock.now() })
      .where('id', '=', user.id)
      .execute();
    const k = fake.addAccount();
    apiKey = k.apiKey;
    const c = await s.api.post(
      '/api/exchanges/connect',
      { provider: 'binance_futures', mode: 'mainnet', api_key: k.apiKey, api_secret: k.secret },
      user.token,
    );
    expect(c.status, JSON.stringify(c.body)).toBe(200);
    const setup = await s.api.post<{ secret: string }>('/api/auth/2fa/enable', undefined, user.token);
    totpSeed = setup.body.secret;
    expect(
      (await s.api.post('/api/auth/2fa/confirm', { code: currentTotp(totpSeed, clock.now()) }, user.token))
        .status,
    ).toBe(200);
    const source = await createSource(
      s.ctx.db,
      { name: 'rot-src', kind: 'webhook', enabled: true, settings: {} },
      clock.now(),
    );
    const creds = await rotateSourceCredentials(s.ctx.db, s.ctx.secretBox, source, clock.now());
    webhookSecret = creds.secret;
    sourceId = source.id;
  });
  afterAll(async () => {
    await s.close();
    await fake.stop();
  });

  it('refuses while workers run, and changes nothing when a record does not open', async () => {
    const config = configOf(s.dataDir);
    await s.ctx.db
      .insertInto('worker_heartbeats')
      .values({ owner: 'somebody:1', role: 'worker', started_at: clock.now(), last_seen: Date.now() })
      .execute();
    await expect(rotateMasterKey(config, randomBytes(32))).rejects.toThrow(/stop every server/);
    await s.ctx.db.deleteFrom('worker_heartbeats').where('owner', '=', 'somebody:1').execute();
    // A record sealed with another key: the whole rotation is refused, nothing moved.
    const before = await s.ctx.db.selectFrom('exchange_accounts').select(['id', 'api_key']).execute();
    const foreign = new SecretBox(randomBytes(32)).seal('x', 'totp|user:999999');
    const other = await registerUser(s.api);
    await s.ctx.db
      .updateTable('users')
      .set({ totp_pending_secret: foreign })
      .where('id', '=', other.id)
      .execute();
    await expect(rotateMasterKey(config, randomBytes(32))).rejects.toThrow();
    expect(await s.ctx.db.selectFrom('exchange_accounts').select(['id', 'api_key']).execute()).toEqual(
      before,
    );
    expect(fs.existsSync(path.join(s.dataDir, 'secrets', 'master.key.next'))).toBe(false);
    await s.ctx.db
      .updateTable('users')
      .set({ totp_pending_secret: null })
      .where('id', '=', other.id)
      .execute();
  });

  it('re-wraps exchange keys, TOTP seeds and source secrets; the platform works on with the new key', async () => {
    const dataDir = s.dataDir;
    const oldKey = s.ctx.secrets.masterKey;
    await s.close(); // servers stopped, as documented
    const newKey = randomBytes(32);
    const out: string[] = [];
    const err: string[] = [];
    const code = await (async () => {
      // The CLI reads its configuration from the environment, like `verzek` does.
      const saved = { DATA_DIR: process.env.DATA_DIR, DATABASE_URL: process.env.DATABASE_URL };
      process.env.DATA_DIR = dataDir;
      process.env.DATABASE_URL = t.target.dialect === 'sqlite' ? `sqlite:${t.target.file}` : t.target.url;
      try {
        return await keys(
          'rotate',
          { 'new-master-key-stdin': true },
          { out: (x) => out.push(x), err: (x) => err.push(x) },
          () => Promise.resolve(`${newKey.toString('base64')}\n`),
        );
      } finally {
        for (const [k, v] of Object.entries(saved)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      }
    })();
    expect(err.join(''), err.join('')).toBe('');
    expect(code).toBe(0);
    const text = out.join('');
    expect(text).toMatch(/re-wrapped [1-9]\d* sealed secret/);
    expect(text).toMatch(/exchange_accounts\.api_secret: 1/);
    expect(text).toMatch(/users\.totp_secret: 1/);
    expect(text).toMatch(/signal_sources\.secret: 1/);
    expect(text).not.toContain(newKey.toString('base64'));
    expect(fs.readFileSync(path.join(dataDir, 'secrets', 'master.key'), 'utf8').trim()).toBe(
      newKey.toString('base64'),
    );

    s = await startTestServer(t, { env: binanceEnv(fake), clock, dataDir });
    expect(s.ctx.secrets.masterKey.equals(newKey)).toBe(true);
    // Exchange keys: the adapter opens them and signs.
    const bal = await s.api.get(`/api/users/${user.id}/balance/binance_futures`, user.token);
    expect(bal.status, JSON.stringify(bal.body)).toBe(200);
    expect(fake.countRequests({ apiKey, path: '/fapi/v3/balance' })).toBeGreaterThan(0);
    // TOTP: login with a code from the same seed (the next 30 s step: codes are single-use).
    clock.advance(30_000);
    const login = await s.api.post('/api/auth/login', {
      email: user.email,
      password: user.password,
      totp: currentTotp(totpSeed, clock.now()),
    });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    // Source secret.
    const source = await s.ctx.db
      .selectFrom('signal_sources')
      .selectAll()
      .where('id', '=', sourceId)
      .executeTakeFirstOrThrow();
    expect(sourceSecret(s.ctx.secretBox, source)).toBe(webhookSecret);
    // The old key opens nothing any more.
    const row = await s.ctx.db
      .selectFrom('exchange_accounts')
      .selectAll()
      .where('user_id', '=', user.id)
      .where('provider', '=', 'binance_futures')
      .executeTakeFirstOrThrow();
    expect(() =>
      new SecretBox(oldKey).open(
        row.api_secret!,
        `exchange|user:${user.id}|provider:binance_futures|api_secret`,
      ),
    ).toThrow();
    const audit = await s.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'master_key_rotated')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.detail).not.toContain(newKey.toString('base64'));
  });
});
