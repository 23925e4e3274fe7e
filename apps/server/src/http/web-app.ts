import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { notFoundHandler } from './error-handler';
import type { App } from './types';

/** apps/mobile/dist of this checkout (this file is apps/server/src/http/web-app.ts). */
export const DEFAULT_WEB_APP_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../mobile/dist',
);

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Paths that belong to the API (never answered with the app's index.html). */
function isApiPath(url: string): boolean {
  return /^\/(api|docs|health)(\/|$|\?)/.test(url);
}

export function webAppAvailable(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'index.html'));
}

/**
 * Serves the exported Expo web app (a single-page app) at `/`: files from the export folder, and
 * `index.html` for any other GET that isn't the API, so app routes like /positions survive a
 * reload. Hashed bundles under /_expo/static are cached for a year; index.html never.
 */
export function registerWebApp(app: App, dir: string): boolean {
  if (!webAppAvailable(dir)) return false;
  const root = fs.realpathSync(dir);
  const index = path.join(root, 'index.html');

  const sendFile = (reply: FastifyReply, file: string, immutable: boolean) => {
    const type = TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    void reply
      .header('content-type', type)
      .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .header('x-content-type-options', 'nosniff');
    return reply.send(fs.createReadStream(file));
  };

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const url = request.url;
    if (isApiPath(url)) return notFoundHandler(request, reply);
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.split('?')[0] ?? '/');
    } catch {
      return notFoundHandler(request, reply);
    }
    const candidate = path.resolve(root, `.${pathname}`);
    if (candidate.startsWith(root + path.sep)) {
      const stat = await fs.promises.stat(candidate).catch(() => null);
      if (stat?.isFile()) return sendFile(reply, candidate, pathname.startsWith('/_expo/static/'));
    }
    // A missing asset is a 404; anything else is an app route.
    if (/\.[a-z0-9]{1,8}$/i.test(pathname) && !pathname.endsWith('.html'))
      return notFoundHandler(request, reply);
    return sendFile(reply, index, false);
  };

  app.get('/', { schema: { hide: true } }, handler);
  app.get('/*', { schema: { hide: true } }, handler);
  return true;
}
