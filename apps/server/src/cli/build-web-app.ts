import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_WEB_APP_DIR, webAppAvailable } from '../http/web-app';
import type { CliIo } from './main';

/**
 * The demo serves the web app at `/`. A fresh clone has no export yet: build it once, offline
 * (`npm run export:web -w @verzek/mobile`, about a minute on a cold cache). Later runs reuse it;
 * `npm run export:web -w @verzek/mobile` rebuilds after changing the app.
 */
export function ensureWebApp(dir: string, io: CliIo): boolean {
  if (webAppAvailable(dir)) return true;
  const mobile = path.resolve(DEFAULT_WEB_APP_DIR, '..');
  if (path.resolve(dir) !== DEFAULT_WEB_APP_DIR || !fs.existsSync(path.join(mobile, 'package.json'))) {
    io.err(`No web app in ${dir}: the API runs without it.\n`);
    return false;
  }
  io.out('Building the web app for the demo (first run only, about a minute)…\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['run', 'export:web', '--silent'], {
    cwd: mobile,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (result.status !== 0 || !webAppAvailable(dir)) {
    io.err(
      `Could not build the web app (the API runs without it):\n${result.stderr?.toString().slice(-2000) ?? ''}\n`,
    );
    return false;
  }
  return true;
}
