import {
  AdminPaymentList,
  AdminPaymentsQuery,
  ErrorBody,
  InitiatePaymentBody,
  PageQuery,
  Payment,
  PaymentList,
  RejectPaymentBody,
  VerifyPaymentBody,
} from '@verzek/contract';
import { findPaymentByHash, listPayments } from '@verzek/db';
import type { AppContext } from '../../context';
import { conflict, notFound } from '../../errors';
import { confirmPayment, rejectPayment } from '../../services/payments/activation';
import { initiatePayment } from '../../services/payments/checkout';
import { toPaymentView } from '../../services/payments/view';
import { authenticate, caller, requireAdmin } from '../guards';
import type { App } from '../types';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const security = [{ bearer: [] }];

export function registerPaymentRoutes(app: App, ctx: AppContext): void {
  const auth = authenticate(ctx);
  // The role is checked before the body is validated: non-admins learn nothing about the schema.
  const admin = { onRequest: auth, preValidation: requireAdmin };

  app.post(
    '/api/payments/usdt/initiate',
    {
      onRequest: auth,
      schema: {
        tags: ['payments'],
        summary: 'Submit a USDT (TRC-20) transfer for a plan; it is verified on chain',
        description:
          'Send the plan price in USDT to the wallet of GET /api/plans, then submit the transaction hash. ' +
          'The payment stays PENDING until the transfer is final on chain, then becomes CONFIRMED (plan ' +
          'activated) or REJECTED with a reason. A transaction can pay once, ever.',
        security,
        body: InitiatePaymentBody,
        response: { 201: Payment, ...errors, 503: ErrorBody },
      },
    },
    async (request, reply) => {
      const payment = await initiatePayment(ctx, caller(request), request.body, request.ip);
      return reply.code(201).send(toPaymentView(payment));
    },
  );

  app.get(
    '/api/payments/me',
    {
      onRequest: auth,
      schema: {
        tags: ['payments'],
        summary: 'My payments, newest first, with status and reason',
        security,
        querystring: PageQuery,
        response: { 200: PaymentList, ...errors },
      },
    },
    async (request) => {
      const { limit, offset } = request.query;
      const page = await listPayments(ctx.db, { userId: caller(request).id, limit, offset });
      return { items: page.items.map(toPaymentView), total: page.total, limit, offset };
    },
  );

  app.post(
    '/api/payments/usdt/verify',
    {
      ...admin,
      schema: {
        tags: ['admin'],
        summary: 'Confirm a payment by hand (admin): activates the plan without chain checks',
        description:
          'For PENDING or REJECTED payments (e.g. a small underpayment you accept). `plan` confirms it as ' +
          'another plan than the one submitted.',
        security,
        body: VerifyPaymentBody,
        response: { 200: Payment, ...errors },
      },
    },
    async (request) => {
      const { tx_hash, plan, note } = request.body;
      const found = await findPaymentByHash(ctx.db, tx_hash);
      if (!found) throw notFound('Payment');
      if (found.status === 'CONFIRMED')
        throw conflict('already_confirmed', 'This payment is already confirmed');
      const confirmed = await confirmPayment(ctx, {
        paymentId: found.id,
        via: 'admin',
        actorId: caller(request).id,
        ip: request.ip,
        plan,
        note,
      });
      if (!confirmed) throw conflict('already_confirmed', 'This payment was confirmed meanwhile');
      return toPaymentView(confirmed);
    },
  );

  app.post(
    '/api/payments/usdt/reject',
    {
      ...admin,
      schema: {
        tags: ['admin'],
        summary: 'Reject a PENDING payment by hand (admin), with the reason the user will see',
        security,
        body: RejectPaymentBody,
        response: { 200: Payment, ...errors },
      },
    },
    async (request) => {
      const { tx_hash, reason } = request.body;
      const found = await findPaymentByHash(ctx.db, tx_hash);
      if (!found) throw notFound('Payment');
      const notPending = () =>
        conflict(
          'not_pending',
          found.status === 'CONFIRMED'
            ? 'This payment is confirmed; change the plan with PUT /api/users/:id/subscription instead'
            : 'This payment is already rejected',
        );
      if (found.status !== 'PENDING') throw notPending();
      const rejected = await rejectPayment(ctx, {
        paymentId: found.id,
        via: 'admin',
        reason,
        actorId: caller(request).id,
        ip: request.ip,
      });
      if (!rejected) throw conflict('not_pending', 'This payment was decided meanwhile');
      return toPaymentView(rejected);
    },
  );

  app.get(
    '/api/admin/payments',
    {
      ...admin,
      schema: {
        tags: ['admin'],
        summary: 'All payments, newest first (admin)',
        security,
        querystring: AdminPaymentsQuery,
        response: { 200: AdminPaymentList, ...errors },
      },
    },
    async (request) => {
      const { limit, offset, status, plan, user_id } = request.query;
      const page = await listPayments(ctx.db, { limit, offset, status, plan, userId: user_id });
      return {
        items: page.items.map((p) => ({ ...toPaymentView(p), username: p.username })),
        total: page.total,
        limit,
        offset,
      };
    },
  );
}
