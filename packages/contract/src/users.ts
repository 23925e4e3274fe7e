import { z } from 'zod';
import { IsoTime, PageQuery } from './common';
import { User } from './auth';
import { Plan } from './plans';

export const UserListQuery = PageQuery.extend({
  search: z.string().trim().max(100).optional(),
  plan: Plan.optional(),
});

export const UserList = z.object({
  items: z.array(User),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});

export const AuditQuery = z.object({
  since: z.iso.datetime({ offset: true }).optional(),
  user_id: z.coerce.number().int().positive().optional(),
  action: z.string().max(64).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const AuditEvent = z.object({
  id: z.number().int(),
  at: IsoTime,
  action: z.string(),
  user_id: z.number().int().nullable(),
  actor_id: z.number().int().nullable(),
  ip: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});

export const AuditList = z.object({ items: z.array(AuditEvent), next_before: z.number().int().nullable() });
