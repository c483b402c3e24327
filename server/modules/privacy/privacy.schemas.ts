// The personal-data export (GDPR art. 15 and 20): everything Officina holds about one person, as JSON.
import { z } from 'zod';

const moment = z.string();

export const PersonalDataSchema = z.object({
  exportedAt: moment,
  participant: z.object({ email: z.string().nullable(), locale: z.enum(['it', 'en']), createdAt: moment }),
  registrations: z.array(
    z.object({
      id: z.uuid(),
      cycle: z.object({ slug: z.string(), title: z.string() }),
      status: z.enum(['confirmed', 'waitlisted', 'cancelled']),
      firstName: z.string(),
      lastName: z.string(),
      organisation: z.string(),
      role: z.string().nullable(),
      network: z.string().nullable(),
      locale: z.enum(['it', 'en']),
      source: z.enum(['web', 'organiser', 'walk_in']),
      createdAt: moment,
      confirmedAt: moment.nullable(),
      cancelledAt: moment.nullable(),
      cancelledBy: z.enum(['participant', 'organiser', 'erasure']).nullable(),
      attendance: z.array(
        z.object({
          sessionId: z.uuid(),
          sessionTitle: z.string(),
          startsAt: moment,
          present: z.boolean(),
          method: z.enum(['roster', 'qr', 'code']),
          markedAt: moment,
        }),
      ),
      /** Wrong self check-in codes typed (kept for throttling). */
      checkInFailures: z.array(z.object({ sessionId: z.uuid(), at: moment })),
      certificate: z
        .object({
          code: z.string(),
          name: z.string(),
          attendedSessions: z.number().int(),
          heldSessions: z.number().int(),
          hours: z.number(),
          issuedAt: moment,
        })
        .nullable(),
    }),
  ),
  consents: z.array(
    z.object({
      registrationId: z.uuid(),
      version: z.string(),
      acceptedAt: moment,
      notice: z.object({ publishedAt: moment, summaryIt: z.string(), summaryEn: z.string(), textSha256: z.string().nullable() }).nullable(),
    }),
  ),
  mail: z.array(
    z.object({
      registrationId: z.uuid().nullable(),
      template: z.string(),
      recipient: z.string().nullable(),
      subject: z.string().nullable(),
      status: z.string(),
      createdAt: moment,
      sentAt: moment.nullable(),
    }),
  ),
  /** "Send me my links" requests for this address in the last day (the address is kept only as a keyed hash). */
  linkRequests: z.array(z.object({ at: moment })),
});
export type PersonalData = z.infer<typeof PersonalDataSchema>;

export const ErasureResultSchema = z.object({
  erased: z.literal(true),
  /** Registrations whose personal data were erased (all of this person's, in every cycle). */
  registrations: z.number().int(),
  /** Of those, the ones cancelled because their cycle had not ended (their seats went to the waiting list). */
  cancelled: z.number().int(),
});
