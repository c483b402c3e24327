// The answer of "my registration" (participant.page.ts), GET /api/registrations/:token.
import { z } from 'zod';
import { CalendarLinksSchema } from '../calendars/calendars.schemas.ts';
import { CycleSchema } from '../cycles/cycles.schemas.ts';
import { MaterialSchema } from '../materials/materials.schemas.ts';
import { RegistrationSchema } from '../registrations/registrations.schemas.ts';

export const RegistrationWithCycle = z.object({
  registration: RegistrationSchema,
  cycle: CycleSchema,
  /** What this person may see of the cycle's materials, with addresses for them (materials.access.ts). */
  materials: z.array(MaterialSchema),
  /** Set once issued: the PDF's address (carries the token) and the public verification page. */
  certificate: z.object({ code: z.string(), url: z.string(), verifyUrl: z.string() }).nullable(),
  /** True when the certificate can be downloaded now (issued, or eligible and issued on first request). */
  certificateAvailable: z.boolean(),
  /** Attendance marks taken so far (docs/http-api.md); sessions without a mark are absent from the list. */
  attendance: z.array(z.object({ sessionId: z.uuid(), present: z.boolean() })),
  /**
   * Null until the cycle is over: its last meeting has ended by the server's clock (the moment its status
   * turns 'past'; certificates.rules.ts cycleEnded). Then: meetings attended of those held (cancelled
   * ones don't count) and how many of them the certificate asked for (the cycle's threshold).
   */
  outcome: z.object({ attended: z.number().int(), held: z.number().int(), required: z.number().int() }).nullable(),
  /** The private feed (registration.calendarUrl) as subscription links, named as the feed names itself. */
  calendar: CalendarLinksSchema,
});
export type ParticipantPageView = z.infer<typeof RegistrationWithCycle>;
