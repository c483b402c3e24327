// Inputs for creating and changing a session. The *Body schemas are for the organiser routes (ISO 8601
// strings with an offset); the *Input schemas are what the service itself checks (Dates), so a caller
// that skips HTTP gets the same validation.
import { z } from 'zod';

// One line, no control characters (PostgreSQL text can't hold NUL).
const PRINTABLE = /^[^\p{Cc}\p{Cs}]*$/u;
const title = z.string().trim().min(1).max(200).regex(PRINTABLE);
/** Empty text means "no place"; undefined (in a patch) means "unchanged". */
const place = z
  .string()
  .trim()
  .max(300)
  .regex(PRINTABLE)
  .nullable()
  .transform((v) => (v ? v : null));
const onlineUrl = z
  .union([z.literal(''), z.url({ protocol: /^https?$/ }).max(2000)])
  .nullable()
  .transform((v) => (v ? v : null));
const status = z.enum(['scheduled', 'cancelled']);
// Calendars carry whole seconds: a stored instant with milliseconds would differ between the API and
// every calendar showing it, so they are dropped here.
const wholeSeconds = (d: Date) => new Date(Math.floor(d.getTime() / 1000) * 1000);
const date = z
  .date()
  .refine((d) => !Number.isNaN(d.getTime()), 'invalid date')
  .transform(wholeSeconds);
const isoDate = z.iso.datetime({ offset: true }).transform((s) => wholeSeconds(new Date(s)));

export const SessionPatchInput = z
  .object({
    title: title.optional(),
    startsAt: date.optional(),
    endsAt: date.optional(),
    location: place.optional(),
    onlineUrl: onlineUrl.optional(),
    status: status.optional(),
  })
  .strict();
export type SessionPatch = z.input<typeof SessionPatchInput>;

export const NewSessionInput = z
  .object({
    title,
    startsAt: date,
    endsAt: date,
    location: place.optional(),
    onlineUrl: onlineUrl.optional(),
  })
  .strict();
export type NewSessionData = z.input<typeof NewSessionInput>;

export const SessionPatchBody = SessionPatchInput.extend({ startsAt: isoDate.optional(), endsAt: isoDate.optional() });
export const NewSessionBody = NewSessionInput.extend({ startsAt: isoDate, endsAt: isoDate });
