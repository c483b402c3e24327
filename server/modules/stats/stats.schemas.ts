// The numbers behind the console's charts of one cycle.
import { z } from 'zod';

const Group = z.object({
  /** The network or organisation as typed at sign-up; null when left empty. */
  name: z.string().nullable(),
  participants: z.number().int(),
  /** Presences at held sessions, summed over the group. */
  attended: z.number().int(),
  /** participants × sessions held. */
  possible: z.number().int(),
  /** attended / possible, 0-100 with one decimal; null before the first session is held. */
  percent: z.number().nullable(),
});

export const CycleStatsSchema = z.object({
  cycleId: z.uuid(),
  generatedAt: z.string(),
  totals: z.object({
    registrations: z.number().int(),
    confirmed: z.number().int(),
    waitlisted: z.number().int(),
    cancelled: z.number().int(),
    sessionsHeld: z.number().int(),
    averageAttendancePercent: z.number().nullable(),
  }),
  /** Sign-ups per calendar day in APP_TIMEZONE (every day from the first to the last, gaps as 0). */
  signups: z.array(z.object({ date: z.string(), count: z.number().int(), cumulative: z.number().int() })),
  attendanceBySession: z.array(
    z.object({
      sessionId: z.uuid(),
      title: z.string(),
      startsAt: z.string(),
      status: z.enum(['scheduled', 'cancelled']),
      held: z.boolean(),
      present: z.number().int(),
      absent: z.number().int(),
      /** Confirmed registrations (the people expected). */
      expected: z.number().int(),
      /** present / expected, 0-100 with one decimal; null when not held. */
      percent: z.number().nullable(),
    }),
  ),
  byNetwork: z.array(Group),
  byOrganisation: z.array(Group),
});
export type CycleStats = z.infer<typeof CycleStatsSchema>;
