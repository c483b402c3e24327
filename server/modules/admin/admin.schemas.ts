// Inputs and outputs of the organiser API about cycles and registrations.
import { z } from 'zod';
import { CycleSchema } from '../cycles/cycles.schemas.ts';
import { optionalText, PersonFields, RegistrationSchema, text } from '../registrations/registrations.schemas.ts';

const moment = z.iso.datetime({ offset: true }).transform((v) => new Date(v));
const slug = z
  .string()
  .trim()
  .max(120)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lower-case letters, digits and single hyphens');

export const IdParams = z.object({ id: z.string().max(64) });

export const OrganiserSchema = z.object({ id: z.uuid(), name: z.string(), email: z.string() });

export const AdminCycleSchema = CycleSchema.extend({
  publication: z.enum(['draft', 'published']),
  publishedAt: z.string().nullable(),
  attendanceThreshold: z.number(),
  createdAt: z.string(),
  counts: z.object({ confirmed: z.number().int(), waitlisted: z.number().int(), cancelled: z.number().int() }),
  organisers: z.array(OrganiserSchema),
});
export type AdminCycleView = z.infer<typeof AdminCycleSchema>;

const cycleFields = {
  title: text(200),
  slug: slug.optional(),
  themeSlug: z.string().trim().min(1).max(80),
  kind: z.enum(['cycle', 'conference']).default('cycle'),
  summary: z.string().trim().max(1000).default(''),
  description: z.string().trim().max(20_000).default(''),
  format: z.enum(['in_person', 'online', 'hybrid']),
  location: optionalText(300),
  capacity: z.number().int().min(0).max(100_000),
  waitlistEnabled: z.boolean().default(true),
  registrationOpensAt: moment.nullish(),
  registrationClosesAt: moment.nullish(),
  attendanceThreshold: z.number().min(0).max(1).default(0.75),
};

export const CreateCycleBody = z.object(cycleFields);
export type CreateCycleInput = z.infer<typeof CreateCycleBody>;

export const UpdateCycleBody = z
  .object({
    title: cycleFields.title.optional(),
    slug: slug.optional(),
    themeSlug: cycleFields.themeSlug.optional(),
    kind: z.enum(['cycle', 'conference']).optional(),
    summary: z.string().trim().max(1000).optional(),
    description: z.string().trim().max(20_000).optional(),
    format: cycleFields.format.optional(),
    location: optionalText(300).optional(),
    capacity: cycleFields.capacity.optional(),
    waitlistEnabled: z.boolean().optional(),
    registrationOpensAt: moment.nullish(),
    registrationClosesAt: moment.nullish(),
    attendanceThreshold: z.number().min(0).max(1).optional(),
    /** 'published' puts the cycle in the public catalogue; 'draft' takes it out again. */
    publication: z.enum(['draft', 'published']).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to change' });
export type UpdateCycleInput = z.infer<typeof UpdateCycleBody>;

export const CycleUpdatedSchema = AdminCycleSchema.extend({
  /** Registrations confirmed from the waiting list by this change (a capacity raise). */
  promoted: z.array(z.uuid()),
});

export const AttendanceSummarySchema = z.object({
  /** Sessions held so far: not cancelled and already started. */
  held: z.number().int(),
  attended: z.number().int(),
  /** attended / held, 0-100, rounded; null before the first session is held. */
  percent: z.number().nullable(),
  sessions: z.array(z.object({ sessionId: z.uuid(), present: z.boolean() })),
});

export const AdminRegistrationSchema = RegistrationSchema.extend({
  source: z.enum(['web', 'organiser', 'walk_in']),
  attendance: AttendanceSummarySchema,
});
export type AdminRegistrationView = z.infer<typeof AdminRegistrationSchema>;

export const RegistrationListQuery = z.object({
  status: z.enum(['confirmed', 'waitlisted', 'cancelled', 'active', 'all']).default('all'),
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
});
export type AddRegistrationInput = z.infer<typeof AddRegistrationBody>;

export const RegistrationChangeSchema = z.object({
  registration: AdminRegistrationSchema,
  /** Registrations confirmed from the waiting list by this change. */
  promoted: z.array(z.uuid()),
});
