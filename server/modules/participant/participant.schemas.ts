// The answer of "my registration" (participant.page.ts), GET /api/registrations/:token.
import { z } from 'zod';
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
});
export type ParticipantPageView = z.infer<typeof RegistrationWithCycle>;
