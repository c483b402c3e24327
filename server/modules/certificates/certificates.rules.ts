// Who gets a certificate of attendance: a confirmed registration of a cycle that has ended, present at
// no fewer than `threshold` of the meetings HELD (cancelled ones don't count; "held" and the attendance
// count come from attendance.summary.ts, the same numbers the organiser console shows). The hours are
// the sum of the durations of the held meetings attended.
import type { RegistrationStatus, SessionRow } from '../../../db/schema.ts';
import { emptySummary, isHeld, summarise, type MarkLike } from '../attendance/attendance.summary.ts';

export type SessionForCertificate = Pick<SessionRow, 'id' | 'status' | 'starts_at' | 'ends_at'>;

export interface Assessment {
  eligible: boolean;
  reason: 'not_ended' | 'below_threshold' | 'not_confirmed' | null;
  attended: number;
  held: number;
  /** Meetings attended that the threshold asks of `held` (0 when none was held). */
  required: number;
  /** The cycle is over (cycleEnded): what "my registration" then leads with. */
  ended: boolean;
  hours: number;
  /** Start of the first and end of the last meeting held (the dates the certificate names). */
  firstAt: Date | null;
  lastAt: Date | null;
}

const ms = (d: Date | string) => new Date(d).getTime();

/** A cycle has ended when its last meeting has (the same moment its public status turns 'past'). */
export function cycleEnded(sessions: SessionForCertificate[], now: Date): boolean {
  if (sessions.length === 0) return false;
  return Math.max(...sessions.map((s) => ms(s.ends_at))) <= now.getTime();
}

/**
 * The fewest meetings out of `held` that reach the threshold: attended >= this exactly when
 * attended / held >= threshold (the tolerance only absorbs floating-point error, e.g. 7/10 against 0.7).
 */
export function requiredMeetings(threshold: number, held: number): number {
  return held === 0 ? 0 : Math.max(1, Math.ceil((threshold - 1e-9) * held));
}

export function assess(
  registration: { id: string; status: RegistrationStatus },
  threshold: number,
  sessions: SessionForCertificate[],
  marks: MarkLike[],
  now: Date,
): Assessment {
  const own = marks.filter((m) => m.registration_id === registration.id);
  const summary = summarise(sessions, own, now).get(registration.id) ?? emptySummary(sessions, now);
  const held = sessions.filter((s) => isHeld(s, now));
  const present = new Set(own.filter((m) => m.present).map((m) => m.session_id));
  const attendedSessions = held.filter((s) => present.has(s.id));
  const hours = Math.round(attendedSessions.reduce((sum, s) => sum + (ms(s.ends_at) - ms(s.starts_at)), 0) / 36_000) / 100;
  const required = requiredMeetings(threshold, summary.held);
  const ended = cycleEnded(sessions, now);
  const base = {
    attended: summary.attended,
    held: summary.held,
    required,
    ended,
    hours,
    firstAt: held.length ? new Date(Math.min(...held.map((s) => ms(s.starts_at)))) : null,
    lastAt: held.length ? new Date(Math.max(...held.map((s) => ms(s.ends_at)))) : null,
  };
  let reason: Assessment['reason'] = null;
  if (registration.status !== 'confirmed') reason = 'not_confirmed';
  else if (!ended) reason = 'not_ended';
  else if (summary.held === 0 || summary.attended < required) reason = 'below_threshold';
  return { eligible: reason === null, reason, ...base };
}
