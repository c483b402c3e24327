// Inputs and outputs of registrations as organisers see and change them (registrations.manage.ts).
import { z } from 'zod';
import { text } from '../../lib/text.schemas.ts';
import { PersonFields, RegistrationSchema } from './registrations.schemas.ts';

/** A registration's attendance, as the organiser's list shows it (computed by attendance.summary.ts). */
export const AttendanceSummarySchema = z.object({
  /** Sessions held so far: not cancelled and already started. */
  held: z.number().int(),
  attended: z.number().int(),
  /** attended / held, 0-100, rounded; null before the first session is held. */
  percent: z.number().nullable(),
  sessions: z.array(z.object({ sessionId: z.uuid(), present: z.boolean() })),
});

export type AttendanceSummary = z.infer<typeof AttendanceSummarySchema>;

export const AdminRegistrationSchema = RegistrationSchema.extend({
  source: z.enum(['web', 'organiser', 'walk_in']),
  attendance: AttendanceSummarySchema,
});
export type AdminRegistrationView = z.infer<typeof AdminRegistrationSchema>;

export const RegistrationListQuery = z.object({
  status: z.enum(['confirmed', 'waitlisted', 'cancelled', 'active', 'all']).default('all'),
  /** Words each found in the name, e-mail address or organisation (case and accents ignored); blank: everyone. */
  q: z.string().trim().max(200).optional(),
  lang: z.enum(['it', 'en']).optional(),
});

export const AddRegistrationBody = z.object({
  ...PersonFields,
  locale: z.enum(['it', 'en']).default('it'),
  /** walk_in: turned up at a meeting; organiser: added by the organiser (e.g. by phone). */
  source: z.enum(['walk_in', 'organiser']).default('organiser'),
  /** The person accepted the privacy notice (the organiser attests it). */
  consent: z.literal(true, { error: 'must be true: the person has to accept the privacy notice' }),
  /**
   * When the cycle is full: false (default) puts the person on the waiting list like anyone else;
   * true adds one seat to the capacity for them (someone physically in the room), without moving the
   * waiting list.
   */
  addSeat: z.boolean().default(false),
  /**
   * A meeting (session id) of this cycle whose check-in window is open: the person walked into it, and
   * is marked present there with their registration when they get a seat (not on the waiting list).
   */
  presentAt: z.uuid().optional(),
});
export type AddRegistrationInput = z.infer<typeof AddRegistrationBody>;

export const RegistrationChangeSchema = z.object({
  registration: AdminRegistrationSchema,
  /** Registrations confirmed from the waiting list by this change. */
  promoted: z.array(z.uuid()),
});

/**
 * A correction of who the person is (a misspelt name goes on the certificate). The e-mail address is
 * not here: it is how the person is reached and identified, and they change it themselves by signing up again.
 */
export const CorrectRegistrationBody = z
  .object({ firstName: text(100).optional(), lastName: text(100).optional(), organisation: text(200).optional() })
  .strict()
  .refine((b) => b.firstName !== undefined || b.lastName !== undefined || b.organisation !== undefined, {
    message: 'name at least one of firstName, lastName, organisation',
  });
export type CorrectRegistrationInput = z.infer<typeof CorrectRegistrationBody>;

export const CorrectedRegistrationSchema = z.object({
  registration: AdminRegistrationSchema,
  /** The person's certificate was already issued and now carries the corrected name (same code). */
  certificateRenamed: z.boolean(),
});
