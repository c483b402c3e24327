// Attendance percentages: over the sessions HELD so far (not cancelled, already started), so a
// cancelled meeting or one still to come never counts against anyone.
import type { SessionRow } from '../../../db/schema.ts';
import type { Executor } from '../../lib/db.ts';
import { sessionsOf } from '../cycles/cycles.repository.ts';
import { recordsOfCycle } from './attendance.repository.ts';

export type SessionLike = Pick<SessionRow, 'id' | 'status' | 'starts_at'>;
export interface MarkLike {
  registration_id: string;
  session_id: string;
  present: boolean;
}

export function isHeld(s: Pick<SessionRow, 'status' | 'starts_at'>, now: Date): boolean {
  return s.status === 'scheduled' && new Date(s.starts_at).getTime() <= now.getTime();
}

export function percent(attended: number, held: number): number | null {
  return held === 0 ? null : Math.round((attended / held) * 1000) / 10;
}

export interface AttendanceSummary {
  held: number;
  attended: number;
  percent: number | null;
  sessions: { sessionId: string; present: boolean }[];
}

/** Summaries per registration id, from the cycle's sessions and its attendance records. */
export function summarise(sessions: SessionLike[], marks: MarkLike[], now: Date): Map<string, AttendanceSummary> {
  const held = new Set(sessions.filter((s) => isHeld(s, now)).map((s) => s.id));
  const out = new Map<string, AttendanceSummary>();
  for (const m of marks) {
    let sum = out.get(m.registration_id);
    if (!sum) out.set(m.registration_id, (sum = { held: held.size, attended: 0, percent: null, sessions: [] }));
    sum.sessions.push({ sessionId: m.session_id, present: m.present });
    if (m.present && held.has(m.session_id)) sum.attended += 1;
  }
  for (const sum of out.values()) sum.percent = percent(sum.attended, sum.held);
  return out;
}

export function emptySummary(sessions: SessionLike[], now: Date): AttendanceSummary {
  const held = sessions.filter((s) => isHeld(s, now)).length;
  return { held, attended: 0, percent: held === 0 ? null : 0, sessions: [] };
}

/** Each registration's summary in a cycle at `now`; a registration without marks gets the empty one. */
export async function cycleAttendance(db: Executor, cycleId: string, now: Date): Promise<(registrationId: string) => AttendanceSummary> {
  const [sessions, marks] = await Promise.all([sessionsOf(db, [cycleId]), recordsOfCycle(db, cycleId)]);
  const summaries = summarise(sessions, marks, now);
  return (registrationId) => summaries.get(registrationId) ?? emptySummary(sessions, now);
}
