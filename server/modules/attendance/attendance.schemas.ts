// Inputs and outputs of attendance, check-in and the check-in code.
import { z } from 'zod';
import { SessionSchema } from '../cycles/cycles.schemas.ts';

export const SessionParams = z.object({ id: z.string().max(64) });
export const MarkParams = z.object({ id: z.string().max(64), registrationId: z.string().max(64) });
/** null: back to "not marked" (the mark is removed). */
export const MarkBody = z.object({ present: z.boolean().nullable() });

export const MarkSchema = z.object({
  registrationId: z.uuid(),
  sessionId: z.uuid(),
  /** null: not marked (after a mark was cleared). */
  present: z.boolean().nullable(),
  method: z.enum(['roster', 'qr', 'code']).nullable(),
  markedAt: z.string().nullable(),
});

export const MarkAllSchema = z.object({
  /** How many people were marked present: those with a seat and no mark yet. */
  marked: z.number().int(),
  registrationIds: z.array(z.uuid()),
});

const DayMeetingSchema = z.object({
  session: SessionSchema.extend({ cycleId: z.uuid() }),
  cycle: z.object({ id: z.uuid(), title: z.string(), location: z.string().nullable(), format: z.enum(['in_person', 'online', 'hybrid']) }),
  /** People marked present so far. */
  present: z.number().int(),
  /** Seats taken in the cycle: the people expected. */
  expected: z.number().int(),
});

export const DaySchema = z.object({
  now: z.string(),
  /** Meetings starting today on the programme's clock (APP_TIMEZONE), cancelled ones included. */
  today: z.array(DayMeetingSchema),
  /** The next three meetings that take place after today. */
  next: z.array(DayMeetingSchema),
});

export const RosterSchema = z.object({
  session: SessionSchema.extend({ cycleId: z.uuid() }),
  /** From when presence can be marked (half an hour before the start); organisers have no end. */
  markingOpensAt: z.string(),
  counts: z.object({ present: z.number().int(), absent: z.number().int(), unmarked: z.number().int() }),
  items: z.array(
    z.object({
      registrationId: z.uuid(),
      firstName: z.string(),
      lastName: z.string(),
      organisation: z.string(),
      network: z.string().nullable(),
      /** What the roster's search also matches (the organiser sees it in the registrations list too); null once erased. */
      email: z.string().nullable(),
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
