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
 *
 * The routes exist whether or not the app is built, so the route table is the same on every
 * machine; until `index.html` appears (the demo builds it after start-up) `/` says how to build it.
 */
export function registerWebApp(app: App, dir: string): void {
  let root: string | null = null;
  const builtRoot = (): string | null => {
    if (root === null && webAppAvailable(dir)) root = fs.realpathSync(dir);
    return root;
  };

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
    const base = builtRoot();
    if (base === null) {
      return reply.code(404).send({
        error: 'web_app_not_built',
        reason:
          'The web app is not built here: run `npm run export:web -w @verzek/mobile` (the API is at /api).',
      });
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.split('?')[0] ?? '/');
    } catch {
      return notFoundHandler(request, reply);
    }
    const candidate = path.resolve(base, `.${pathname}`);
    if (candidate.startsWith(base + path.sep)) {
      const stat = await fs.promises.stat(candidate).catch(() => null);
      if (stat?.isFile()) return sendFile(reply, candidate, pathname.startsWith('/_expo/static/'));
    }
    // A missing asset is a 404; anything else is an app route.
    if (/\.[a-z0-9]{1,8}$/i.test(pathname) && !pathname.endsWith('.html'))
      return notFoundHandler(request, reply);
    return sendFile(reply, path.join(base, 'index.html'), false);
  };

  app.get('/', { schema: { hide: true } }, handler);
  app.get('/*', { schema: { hide: true } }, handler);
}
