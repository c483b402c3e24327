// How long each text field may be, read from the API's own request schemas (the zod objects the routes
// validate with and the OpenAPI document is made from), so the pages' kinder messages can never ask for
// less or more than the API accepts. Only server-side page code imports this (the schemas stay off the
// browser bundle).
import { z } from 'zod';
import { CreateCycleBody } from '../../../../server/modules/cycles/cycles.manage.schemas.ts';
import { RegisterBody } from '../../../../server/modules/registrations/registrations.schemas.ts';
import { NewSessionBody } from '../../../../server/modules/sessions/sessions.schemas.ts';

type JsonSchema = { maxLength?: number; anyOf?: JsonSchema[]; properties?: Record<string, JsonSchema> };

/** Each string field's maxLength, as the OpenAPI document states it (optional text: its string branch). */
function maxLengths<K extends string>(schema: z.ZodType, fields: readonly K[]): Record<K, number> {
  const props = (z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema).properties ?? {};
  const out = {} as Record<K, number>;
  for (const field of fields) {
    const p = props[field];
    const max = p?.maxLength ?? p?.anyOf?.find((b) => b.maxLength !== undefined)?.maxLength;
    if (max === undefined) throw new Error(`no maxLength for ${field} in the API's schema`);
    out[field] = max;
  }
  return out;
}

/** POST /api/cycles/:slug/registrations */
export const SIGNUP_LIMITS = maxLengths(RegisterBody, ['firstName', 'lastName', 'email', 'organisation', 'role', 'network'] as const);
/** POST /api/admin/cycles */
export const CYCLE_LIMITS = maxLengths(CreateCycleBody, [
  'title',
  'slug',
  'location',
  'summary',
  'description',
  'credits',
  'audience',
  'contactName',
  'contactEmail',
  'contactPhone',
] as const);
/** POST /api/admin/cycles/:id/sessions */
export const SESSION_LIMITS = maxLengths(NewSessionBody, ['title', 'location'] as const);
