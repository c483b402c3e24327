// The personal-data exports (GDPR art. 15 and 20), as JSON: what is held about ONE registration (reached
// with its manage token), and everything held about a person in every cycle (reached only with the
// one-time link mailed to the address).
import { z } from 'zod';

const moment = z.string();

const RegistrationRecordSchema = z.object({
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
});

const ConsentSchema = z.object({
  registrationId: z.uuid(),
  version: z.string(),
  acceptedAt: moment,
  notice: z.object({ publishedAt: moment, summaryIt: z.string(), summaryEn: z.string(), textSha256: z.string().nullable() }).nullable(),
});

const MailSchema = z.object({
  registrationId: z.uuid().nullable(),
  template: z.string(),
  recipient: z.string().nullable(),
  subject: z.string().nullable(),
  status: z.string(),
  createdAt: moment,
  sentAt: moment.nullable(),
});

/** GET /api/registrations/:token/personal-data: that registration and nothing else. */
export const RegistrationDataSchema = z.object({
  exportedAt: moment,
  /** The address this registration was made with. */
  email: z.string().nullable(),
  registration: RegistrationRecordSchema,
  consent: ConsentSchema,
  /** The mails sent about this registration. */
  mail: z.array(MailSchema),
});
export type RegistrationData = z.infer<typeof RegistrationDataSchema>;

/** GET /api/personal-data/:token (the one-time link): the person, in every cycle. */
export const PersonalDataSchema = z.object({
  exportedAt: moment,
  participant: z.object({ email: z.string().nullable(), locale: z.enum(['it', 'en']), createdAt: moment }),
  registrations: z.array(RegistrationRecordSchema),
  consents: z.array(ConsentSchema),
  /** The mails about any of the registrations, and those sent to the address itself (links, one-time links). */
  mail: z.array(MailSchema),
  /** Requests of links for this address in the last day (the address is kept only as a keyed hash). */
  linkRequests: z.array(z.object({ at: moment })),
});
export type PersonalData = z.infer<typeof PersonalDataSchema>;

export const ErasureResultSchema = z.object({
  erased: z.literal(true),
  /** Registrations whose personal data were erased (one through a manage token; all the person's through the one-time link). */
  registrations: z.number().int(),
  /** Of those, the ones cancelled because their cycle had not ended (their seats went to the waiting list). */
  cancelled: z.number().int(),
});
export type ErasureResult = z.infer<typeof ErasureResultSchema>;

export const PersonalDataRequestAccepted = z.object({ status: z.literal('accepted'), message: z.string() });
