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
  const base = {
    attended: summary.attended,
    held: summary.held,
    hours,
    firstAt: held.length ? new Date(Math.min(...held.map((s) => ms(s.starts_at)))) : null,
    lastAt: held.length ? new Date(Math.max(...held.map((s) => ms(s.ends_at)))) : null,
  };
  let reason: Assessment['reason'] = null;
  if (registration.status !== 'confirmed') reason = 'not_confirmed';
  else if (!cycleEnded(sessions, now)) reason = 'not_ended';
  // The tolerance only absorbs floating-point error (e.g. 7/10 against 0.7); it never lowers the bar.
  else if (summary.held === 0 || summary.attended === 0 || summary.attended / summary.held < threshold - 1e-9) reason = 'below_threshold';
  return { eligible: reason === null, reason, ...base };
}
