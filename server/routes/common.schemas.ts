import { z } from 'zod';

/** The body of every 4xx/5xx (docs/http-api.md, "Errors"). */
export const ErrorSchema = z.object({
  statusCode: z.number().int(),
  code: z.string(),
  message: z.string(),
  fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  reason: z.string().optional(),
});

/** The :id of a route's object (any string up to 64: the access rule answers 403/404 for a malformed one). */
export const IdParams = z.object({ id: z.string().max(64) });
