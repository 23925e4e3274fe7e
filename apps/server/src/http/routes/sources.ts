import {
  ErrorBody,
  IdParam,
  iso,
  Source,
  SourceBody,
  SourceCredentials,
  SourceList,
  SourceUpdateBody,
} from '@verzek/contract';
import { findSource, findSourceByName, listSources, updateSource, type SignalSourceRow } from '@verzek/db';
import type { z } from 'zod';
import type { AppContext } from '../../context';
import { conflict, notFound } from '../../errors';
import { audit } from '../../services/audit';
import { createSource, rotateSourceCredentials } from '../../trading/signals/sources';
import { authenticate, caller, requireAdmin } from '../guards';
import type { App } from '../types';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const security = [{ bearer: [] }];

/** A source as admins see it: whether it has credentials, never the credentials themselves. */
export function sourceView(s: SignalSourceRow): z.infer<typeof Source> {
  return {
    id: s.id,
    name: s.name,
    kind: s.kind,
    enabled: s.enabled === 1,
    has_secret: s.secret !== null,
    has_token: s.token_hash !== null,
    settings: JSON.parse(s.settings) as Record<string, unknown>,
    created_at: iso(s.created_at),
  };
}

/**
 * Signal sources (admin only): list, create, enable/disable and settings, and credential rotation —
 * the only answer that ever carries a source's webhook secret and API token, once.
 */
export function registerSourceRoutes(app: App, ctx: AppContext): void {
  // The role is checked before the body is validated, so non-admins learn nothing from a 400.
  const admin = { onRequest: [authenticate(ctx), requireAdmin] };

  app.get(
    '/api/admin/sources',
    {
      ...admin,
      schema: {
        tags: ['admin'],
        summary: 'Signal sources',
        security,
        response: { 200: SourceList, ...errors },
      },
    },
    async () => ({ items: (await listSources(ctx.db)).map(sourceView) }),
  );

  app.post(
    '/api/admin/sources',
    {
      ...admin,
      schema: {
        tags: ['admin'],
        summary: 'Create a signal source (then rotate it to get its webhook secret and API token)',
        security,
        body: SourceBody,
        response: { 201: Source, ...errors },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const now = ctx.clock.now();
      if (await findSourceByName(ctx.db, b.name)) {
        throw conflict('source_exists', `A source named ${b.name} already exists`);
      }
      let created: SignalSourceRow;
      try {
        created = await createSource(ctx.db, b, now);
      } catch (err) {
        // Two admins creating the same name at once: the unique index decides.
        if (await findSourceByName(ctx.db, b.name)) {
          throw conflict('source_exists', `A source named ${b.name} already exists`);
        }
        throw err;
      }
      await audit(ctx.db, {
        action: 'admin_source_created',
        at: now,
        actorId: caller(request).id,
        ip: request.ip,
        detail: { source_id: created.id, name: created.name, kind: created.kind },
      });
      return reply.code(201).send(sourceView(created));
    },
  );

  app.put(
    '/api/admin/sources/:id',
    {
      ...admin,
      schema: {
        tags: ['admin'],
        summary: 'Enable or disable a source, or change its settings',
        security,
        params: IdParam,
        body: SourceUpdateBody,
        response: { 200: Source, ...errors },
      },
    },
    async (request) => {
      const source = await findSource(ctx.db, request.params.id);
      if (!source) throw notFound('Source');
      const b = request.body;
      const now = ctx.clock.now();
      const patch: Parameters<typeof updateSource>[2] = { updated_at: now };
      if (b.enabled !== undefined) patch.enabled = b.enabled ? 1 : 0;
      if (b.settings !== undefined) patch.settings = JSON.stringify(b.settings);
      const updated = (await updateSource(ctx.db, source.id, patch)) ?? source;
      await audit(ctx.db, {
        action: 'admin_source_updated',
        at: now,
        actorId: caller(request).id,
        ip: request.ip,
        detail: { source_id: source.id, name: source.name, ...b },
      });
      return sourceView(updated);
    },
  );

  app.post(
    '/api/admin/sources/:id/rotate',
    {
      ...admin,
      schema: {
        tags: ['admin'],
        summary:
          'New webhook secret and API token for a source, shown once; the previous ones stop working at once',
        security,
        params: IdParam,
        response: { 200: SourceCredentials, ...errors },
      },
    },
    async (request, reply) => {
      const source = await findSource(ctx.db, request.params.id);
      if (!source) throw notFound('Source');
      const now = ctx.clock.now();
      const rotated = await rotateSourceCredentials(ctx.db, ctx.secretBox, source, now);
      await audit(ctx.db, {
        action: 'admin_source_rotated',
        at: now,
        actorId: caller(request).id,
        ip: request.ip,
        detail: { source_id: source.id, name: source.name },
      });
      // Credentials must not linger in caches or proxies.
      void reply.header('cache-control', 'no-store');
      return { source: sourceView(rotated.source), secret: rotated.secret, token: rotated.token };
    },
  );
}
