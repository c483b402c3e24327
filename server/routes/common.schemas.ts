import { z } from 'zod';
import type { AccessRule } from '../modules/access/access.rules.ts';

/** The body of every 4xx/5xx (docs/http-api.md, "Errors"). */
export const ErrorSchema = z.object({
  statusCode: z.number().int(),
  code: z.string(),
  message: z.string(),
  fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  reason: z.string().optional(),
  /** 409 cycle_not_publishable: what the cycle lacks ("sessions", "registrationClosesAt"). */
  missing: z.array(z.string()).optional(),
});

/** The :id of a route's object (any string up to 64: the access rule answers 403/404 for a malformed one). */
export const IdParams = z.object({ id: z.string().max(64) });

/** The OpenAPI group of every organiser route (/api/admin). */
export const adminTags = ['admin'];

/** What the access rule of an organiser route may answer (plugins/auth.plugin.ts). */
export const accessDenied = { 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };

/** The route's :id is a cycle the organiser must run; the handler then reads it as scopeOf(req).cycleId. */
export const managesCycle: { access: AccessRule } = { access: { cycle: 'id' } };
