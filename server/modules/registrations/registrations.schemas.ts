// Inputs and outputs of the registration endpoints (docs/http-api.md). Strings are trimmed; optional text left
// empty counts as absent; the e-mail address is compared and stored lower-cased.
import { z } from 'zod';
import { optionalText, text } from '../../lib/text.schemas.ts';

/** Who a person is, as typed at sign-up (public form and organiser's walk-in alike). */
export const PersonFields = {
  firstName: text(100),
  lastName: text(100),
  email: z
    .string()
    .trim()
    .max(254)
    .pipe(z.email())
    .transform((v) => v.toLowerCase()),
  organisation: text(200),
  role: optionalText(100),
  network: optionalText(100),
};

export const RegisterBody = z.object({
  ...PersonFields,
  consent: z.literal(true, { error: 'must be true: the privacy notice has to be accepted' }),
  locale: z.enum(['it', 'en']).optional(),
});
export type RegisterInput = z.infer<typeof RegisterBody>;

export const RegistrationSchema = z.object({
  id: z.uuid(),
  status: z.enum(['confirmed', 'waitlisted', 'cancelled']),
  waitlistPosition: z.number().int().positive().nullable(),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string().nullable(),
  organisation: z.string(),
  role: z.string().nullable(),
  network: z.string().nullable(),
  locale: z.enum(['it', 'en']),
  createdAt: z.string(),
  confirmedAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  manageUrl: z.string().nullable(),
  calendarUrl: z.string().nullable(),
  /** calendarUrl as webcal://, for "subscribe" links (optional: views built elsewhere may leave it out). */
  webcalUrl: z.string().nullable().optional(),
});
export type RegistrationView = z.infer<typeof RegistrationSchema>;

export const RegistrationEnvelope = z.object({ registration: RegistrationSchema });
/** POST /api/registrations/:token/manage-token: the new address of "my registration". */
export const ManageTokenRotation = z.object({ manageUrl: z.string() });
// Any string: malformed tokens get the same 404 as unknown ones, never a 400 that tells them apart.
export const TokenParams = z.object({ token: z.string() });
