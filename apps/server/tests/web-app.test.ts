import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeDb } from '@verzek/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness';

describeDb('the web app at /', (t) => {
  let s: TestServer;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verzek-web-'));
  beforeAll(async () => {
    fs.mkdirSync(path.join(dir, '_expo/static/js/web'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'index.html'),
      '<!doctype html><title>Verzek</title><div id="root"></div>',
    );
    fs.writeFileSync(path.join(dir, '_expo/static/js/web/entry-abc.js'), 'console.log(1)');
    fs.writeFileSync(path.join(dir, 'favicon.ico'), 'ico');
    s = await startTestServer(t, { env: { WEB_APP_DIR: dir } });
  });
  afterAll(() => s.close());

  it('serves index.html at / and for app routes, files as files', async () => {
    for (const url of ['/', '/positions', '/signals/12', '/admin?tab=users']) {
      const r = await s.api.get(url);
      expect(r.status, url).toBe(200);
      expect(r.raw.headers['content-type']).toContain('text/html');
      expect(r.raw.headers['cache-control']).toBe('no-cache');
      expect(r.raw.body).toContain('<title>Verzek</title>');
    }
    const js = await s.api.get('/_expo/static/js/web/entry-abc.js');
    expect(js.status).toBe(200);
    expect(js.raw.headers['content-type']).toContain('javascript');
    expect(js.raw.headers['cache-control']).toContain('immutable');
  });

  it('never answers API paths or missing assets with the app', async () => {
    for (const url of ['/api/nope', '/api', '/api/signals/x/y']) {
      const r = await s.api.get(url);
      expect(r.status, url).toBe(404);
      expect(r.body).toMatchObject({ error: 'not_found' });
    }
    expect((await s.api.get('/missing.js')).status).toBe(404);
    expect((await s.api.get('/api/ping')).body).toMatchObject({ status: 'ok' });
  });

  it('stays inside its folder', async () => {
    for (const url of ['/..%2f..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/passwd', '/../package.json']) {
      const r = await s.api.get(url);
      expect(r.raw.body, url).not.toContain('root:');
      expect(r.raw.body, url).not.toContain('"workspaces"');
    }
  });

  it('says how to build the app until it is built, then serves it without a restart', async () => {
    const later = fs.mkdtempSync(path.join(os.tmpdir(), 'verzek-web-later-'));
    const s2 = await startTestServer(t, { env: { WEB_APP_DIR: later } });
    try {
      const before = await s2.api.get('/positions');
      expect(before.status).toBe(404);
      expect(before.body).toMatchObject({ error: 'web_app_not_built' });
      expect((await s2.api.get('/api/nope')).body).toMatchObject({ error: 'not_found' });
      fs.writeFileSync(path.join(later, 'index.html'), '<!doctype html><title>Built later</title>');
      const after = await s2.api.get('/');
      expect(after.status).toBe(200);
      expect(after.raw.body).toContain('Built later');
    } finally {
      await s2.close();
    }
  });
});
