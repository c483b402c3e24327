// The public shapes of cycles and sessions (docs/http-api.md), as zod schemas: routes use them as response
// schemas, so nothing that is not listed here can leak out.
import { z } from 'zod';

export const SessionSchema = z.object({
  id: z.uuid(),
  title: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  location: z.string().nullable(),
  /** The link to join: only in a confirmed registration's own view and in the organisers' console. */
  onlineUrl: z.string().nullable().describe('Link to join online; null in public answers and for anyone without a confirmed seat'),
  /** The meeting can be joined online (true even where onlineUrl is withheld). */
  online: z.boolean(),
  status: z.enum(['scheduled', 'cancelled']),
});

/** Whom participants write to about a cycle: its own contact, or else the programme's (CONTACT_*). */
export const ContactSchema = z.object({ name: z.string(), email: z.string(), phone: z.string().nullable() });

export const CycleStatusSchema = z.enum(['open', 'full', 'closed', 'upcoming', 'past']);

export const CycleSchema = z.object({
  id: z.uuid(),
  slug: z.string(),
  kind: z.enum(['cycle', 'conference']),
  title: z.string(),
  theme: z.object({ slug: z.string(), name: z.string() }),
  summary: z.string(),
  description: z.string(),
  format: z.enum(['in_person', 'online', 'hybrid']),
  location: z.string().nullable(),
  capacity: z.number().int(),
  seatsTaken: z.number().int(),
  seatsLeft: z.number().int(),
  waitlistLength: z.number().int(),
  waitlistEnabled: z.boolean(),
  /** Share of the meetings held a participant must attend for the certificate (0..1). */
  attendanceThreshold: z.number().min(0).max(1),
  registrationOpensAt: z.string().nullable(),
  registrationClosesAt: z.string().nullable(),
  startsAt: z.string().nullable(),
  endsAt: z.string().nullable(),
  status: CycleStatusSchema,
  /** Null only when neither the cycle nor the programme's configuration names one. */
  contact: ContactSchema.nullable().describe("Whom participants write to: the cycle's contact, or else the programme's"),
  audience: z.string().nullable().describe('Whom the cycle is for, as organisers write it, e.g. "Assistenti sociali e mediatori culturali"'),
  credits: z.string().nullable().describe('Training credits a professional order recognises, as organisers write them, e.g. "6 crediti formativi (CNOAS)"'),
  sessions: z.array(SessionSchema),
});

export const CycleListQuery = z.object({
  when: z.enum(['upcoming', 'past', 'all']).default('upcoming'),
  theme: z.string().max(80).optional(),
  lang: z.enum(['it', 'en']).optional(),
});

export const SlugParams = z.object({ slug: z.string().min(1).max(200) });

export type CycleView = z.infer<typeof CycleSchema>;
export type SessionView = z.infer<typeof SessionSchema>;
export type Contact = z.infer<typeof ContactSchema>;
