import {
  CreatePartnerBody,
  ErrorBody,
  IdParam,
  OkBody,
  PartnerDetail,
  PartnerList,
  UpdatePartnerBody,
} from '@verzek/contract';
import type { AppContext } from '../../context';
import { audit } from '../../services/audit';
import {
  changePartner,
  createPartner,
  listPartnerViews,
  partnerDetail,
  removePartner,
} from '../../services/partners/partners';
import { authenticate, caller, requireAdmin } from '../guards';
import type { App } from '../types';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const security = [{ bearer: [] }];

export function registerAdminPartnerRoutes(app: App, ctx: AppContext): void {
  const admin = { onRequest: authenticate(ctx), preValidation: requireAdmin };

  app.get(
    '/api/admin/partners',
    {
      ...admin,
      schema: {
        tags: ['admin'],
        summary: 'Partners with referral counts and earnings (admin)',
        security,
        response: { 200: PartnerList, ...errors },
      },
    },
    async () => ({ items: await listPartnerViews(ctx.db) }),
  );

  app.post(
    '/api/admin/partners',
    {
      ...admin,
      schema: {
        tags: ['admin'],
        summary: 'Create a partner with a unique referral code (admin)',
        security,
        body: CreatePartnerBody,
        response: { 201: PartnerDetail, ...errors },
      },
    },
    async (request, reply) => {
      const now = ctx.clock.now();
      const partner = await createPartner(ctx.db, request.body, now);
      await audit(ctx.db, {
        action: 'admin_partner_created',
        at: now,
        actorId: caller(request).id,
        ip: request.ip,
        detail: { partner_id: partner.id, code: partner.code, name: partner.name },
      });
      return reply.code(201).send(partner);
    },
  );

  app.get(
    '/api/admin/partners/:id',
    {
      ...admin,
      schema: {
        tags: ['admin'],
        summary: 'One partner with its credits (admin)',
        security,
        params: IdParam,
        response: { 200: PartnerDetail, ...errors },
      },
    },
    (request) => partnerDetail(ctx.db, request.params.id),
  );

  app.put(
    '/api/admin/partners/:id',
    {
      ...admin,
      schema: {
        tags: ['admin'],
        summary: 'Rename, change the contact, or (de)activate a partner (admin); the code is fixed',
        security,
        params: IdParam,
        body: UpdatePartnerBody,
        response: { 200: PartnerDetail, ...errors },
      },
    },
    async (request) => {
      const now = ctx.clock.now();
      const partner = await changePartner(ctx.db, request.params.id, request.body, now);
      await audit(ctx.db, {
        action: 'admin_partner_updated',
        at: now,
        actorId: caller(request).id,
        ip: request.ip,
        detail: { partner_id: partner.id, code: partner.code, changes: request.body },
      });
      return partner;
    },
  );

  app.delete(
    '/api/admin/partners/:id',
    {
      ...admin,
      schema: {
        tags: ['admin'],
        summary: 'Delete a partner that has earned nothing yet (admin); otherwise deactivate it',
        security,
        params: IdParam,
        response: { 200: OkBody, ...errors },
      },
    },
    async (request) => {
      const now = ctx.clock.now();
      const { code } = await removePartner(ctx.db, request.params.id);
      await audit(ctx.db, {
        action: 'admin_partner_deleted',
        at: now,
        actorId: caller(request).id,
        ip: request.ip,
        detail: { partner_id: request.params.id, code },
      });
      return { ok: true as const, message: `Partner ${code} deleted` };
    },
  );
}
