import { AuditList, AuditQuery, ErrorBody, IdParam, iso, OkBody } from '@verzek/contract';
import { listAudit, updateUser } from '@verzek/db';
import type { AppContext } from '../../context';
import { audit } from '../../services/audit';
import { authenticate, caller, requireAdmin, targetUser } from '../guards';
import type { App } from '../types';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };
const security = [{ bearer: [] }];

export function registerAdminRoutes(app: App, ctx: AppContext): void {
  // The role is checked before the body is validated, so non-admins learn nothing from a 400.
  const admin = { onRequest: [authenticate(ctx), requireAdmin] };

  app.get(
    '/api/admin/audit',
    {
      ...admin,
      schema: {
        tags: ['admin'],
        summary: 'Security audit log, newest first',
        security,
        querystring: AuditQuery,
        response: { 200: AuditList, ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const rows = await listAudit(ctx.db, {
        since: q.since === undefined ? undefined : Date.parse(q.since),
        userId: q.user_id,
        action: q.action,
        before: q.before,
        limit: q.limit,
      });
      return {
        items: rows.map((r) => ({
          ...r,
          at: iso(r.at),
          detail: JSON.parse(r.detail) as Record<string, unknown>,
        })),
        next_before: rows.length === q.limit ? (rows[rows.length - 1]?.id ?? null) : null,
      };
    },
  );

  app.post(
    '/api/admin/users/:id/verify-email',
    {
      ...admin,
      schema: {
        tags: ['admin'],
        summary: 'Mark an email verified (support cases)',
        security,
        params: IdParam,
        response: { 200: OkBody, ...errors },
      },
    },
    async (request) => {
      const target = await targetUser(ctx, request);
      const now = ctx.clock.now();
      if (target.email_verified_at === null) {
        await updateUser(ctx.db, target.id, { email_verified_at: now, updated_at: now });
      }
      await audit(ctx.db, {
        action: 'admin_email_verified',
        at: now,
        userId: target.id,
        actorId: caller(request).id,
        ip: request.ip,
      });
      return { ok: true as const, message: `Email of user ${target.id} is verified` };
    },
  );
}
