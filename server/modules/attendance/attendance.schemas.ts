// Inputs and outputs of attendance, check-in and the check-in code.
import { z } from 'zod';
import { SessionSchema } from '../cycles/cycles.schemas.ts';

export const SessionParams = z.object({ id: z.string().max(64) });
export const MarkParams = z.object({ id: z.string().max(64), registrationId: z.string().max(64) });
export const MarkBody = z.object({ present: z.boolean() });

export const MarkSchema = z.object({
  registrationId: z.uuid(),
  sessionId: z.uuid(),
  present: z.boolean(),
  method: z.enum(['roster', 'qr', 'code']),
  markedAt: z.string(),
});

export const RosterSchema = z.object({
  session: SessionSchema.extend({ cycleId: z.uuid() }),
  counts: z.object({ present: z.number().int(), absent: z.number().int(), unmarked: z.number().int() }),
  items: z.array(
    z.object({
      registrationId: z.uuid(),
      firstName: z.string(),
      lastName: z.string(),
      organisation: z.string(),
      network: z.string().nullable(),
      status: z.enum(['confirmed', 'waitlisted', 'cancelled']),
      /** null: not marked yet. */
      present: z.boolean().nullable(),
      method: z.enum(['roster', 'qr', 'code']).nullable(),
      markedAt: z.string().nullable(),
    }),
  ),
});

// The address form carries PUBLIC_URL, whose length is the deployment's choice.
export const QrBody = z.object({ qr: z.string().max(1000) });
export const QrCheckInSchema = z.object({
  registration: z.object({ id: z.uuid(), firstName: z.string(), lastName: z.string(), organisation: z.string() }),
  present: z.literal(true),
  /** true when this person had already been marked present at this session. */
  alreadyPresent: z.boolean(),
});

export const CheckInCodeSchema = z.object({ code: z.string(), validFrom: z.string(), validUntil: z.string() });

export const SelfCheckInBody = z.object({ token: z.string().max(200), code: z.string().max(20) });
export const SelfCheckInSchema = z.object({ present: z.literal(true) });

export const QrImageQuery = z.object({ format: z.enum(['svg', 'png']).default('svg') });
