// Inputs and outputs of cycle management (cycles.manage.ts), the organiser API's /api/admin/cycles.
import { z } from 'zod';
import { CycleSchema } from '../cycles/cycles.schemas.ts';
import { optionalText, text } from '../../lib/text.schemas.ts';

const moment = z.iso.datetime({ offset: true }).transform((v) => new Date(v));
const slug = z
  .string()
  .trim()
  .max(120)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lower-case letters, digits and single hyphens');

export const OrganiserSchema = z.object({ id: z.uuid(), name: z.string(), email: z.string() });

/** What a cycle lacks to be published: a meeting that is not cancelled, a registration deadline. */
export const PublicationGapSchema = z.enum(['sessions', 'registrationClosesAt']);
export type PublicationGap = z.infer<typeof PublicationGapSchema>;

export const AdminCycleSchema = CycleSchema.extend({
  /** True when `contact` is the programme's (CONTACT_*), the cycle naming none of its own. */
  contactInherited: z.boolean(),
  publication: z.enum(['draft', 'published']),
  /** Empty when it can be published; publishing otherwise is 409 cycle_not_publishable. */
  missingForPublication: z.array(PublicationGapSchema),
  publishedAt: z.string().nullable(),
  attendanceThreshold: z.number(),
  createdAt: z.string(),
  counts: z.object({ confirmed: z.number().int(), waitlisted: z.number().int(), cancelled: z.number().int() }),
  organisers: z.array(OrganiserSchema),
});
export type AdminCycleView = z.infer<typeof AdminCycleSchema>;

const contactEmail = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email())
  .transform((v) => v.toLowerCase());
// Digits, spaces and the signs people write phone numbers with: it becomes a tel: link.
const contactPhone = z
  .string()
  .trim()
  .max(40)
  .regex(/^\+?[0-9][0-9 ./()-]{4,}$/, 'a phone number: digits, spaces, + . / ( ) -');

/**
 * The contact travels whole: name and address together (a phone only beside them), all set or all null,
 * so a request can never leave a cycle with half a contact. Absent: unchanged (no contact, on creation).
 */
const contactFields = {
  contactName: optionalText(200).optional(),
  contactEmail: contactEmail.nullish(),
  contactPhone: contactPhone.nullish(),
};

type ContactInput = { contactName?: string | null; contactEmail?: string | null; contactPhone?: string | null };
function contactWhole(v: ContactInput, ctx: z.RefinementCtx) {
  const name = v.contactName ?? null;
  const email = v.contactEmail ?? null;
  const phone = v.contactPhone ?? null;
  if (name !== null && email === null) ctx.addIssue({ code: 'custom', path: ['contactEmail'], message: 'required with contactName' });
  if (email !== null && name === null) ctx.addIssue({ code: 'custom', path: ['contactName'], message: 'required with contactEmail' });
  if (phone !== null && email === null && name === null) ctx.addIssue({ code: 'custom', path: ['contactEmail'], message: 'required with contactPhone' });
}

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
  /** Free text (who grants them and how they count differ too much for a number): printed on certificates. */
  credits: optionalText(120),
  audience: optionalText(300),
  ...contactFields,
};

export const CreateCycleBody = z.object(cycleFields).superRefine(contactWhole);
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
    credits: optionalText(120).optional(),
    audience: optionalText(300).optional(),
    ...contactFields,
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to change' })
  .superRefine(contactWhole);
export type UpdateCycleInput = z.infer<typeof UpdateCycleBody>;

export const CycleUpdatedSchema = AdminCycleSchema.extend({
  /** Registrations confirmed from the waiting list by this change (a capacity raise). */
  promoted: z.array(z.uuid()),
});
export type CycleUpdatedView = z.infer<typeof CycleUpdatedSchema>;
