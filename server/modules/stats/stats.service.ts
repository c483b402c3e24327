// Statistics of one cycle for the console's charts: sign-ups over time, attendance per meeting, and
// attendance by territorial network and by organisation (confirmed registrations, held sessions).
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import * as attendanceRepo from '../attendance/attendance.repository.ts';
import { isHeld, percent } from '../attendance/attendance.summary.ts';
import * as cyclesRepo from '../cycles/cycles.repository.ts';
import * as repo from './stats.repository.ts';
import type { CycleStats } from './stats.schemas.ts';

const DAY_MS = 86_400_000;
/** Gaps are filled day by day only over a sensible span; longer ones list the days that had sign-ups. */
const MAX_FILLED_DAYS = 400;

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

export function statsService(deps: { db: Kysely<Database>; timezone: string; clock?: () => Date }) {
  const { db } = deps;
  const clock = deps.clock ?? (() => new Date());
  // en-CA writes dates as YYYY-MM-DD.
  const dayOf = new Intl.DateTimeFormat('en-CA', { timeZone: deps.timezone, year: 'numeric', month: '2-digit', day: '2-digit' });

  return {
    async forCycle(cycleId: string): Promise<CycleStats> {
      const now = clock();
      const [registrations, sessions, marks] = await Promise.all([
        repo.registrationsOfCycle(db, cycleId),
        cyclesRepo.sessionsOf(db, [cycleId]),
        attendanceRepo.recordsOfCycle(db, cycleId),
      ]);

      const perDay = new Map<string, number>();
      for (const r of registrations) {
        const d = dayOf.format(new Date(r.created_at));
        perDay.set(d, (perDay.get(d) ?? 0) + 1);
      }
      const days = [...perDay.keys()].sort();
      if (days.length > 1) {
        const span = (Date.parse(days.at(-1)!) - Date.parse(days[0]!)) / DAY_MS;
        if (span <= MAX_FILLED_DAYS) {
          for (let d = days[0]!; d < days.at(-1)!; d = nextDay(d)) if (!perDay.has(d)) perDay.set(d, 0);
        }
      }
      let cumulative = 0;
      const signups = [...perDay.keys()].sort().map((date) => {
        const count = perDay.get(date)!;
        cumulative += count;
        return { date, count, cumulative };
      });

      const confirmed = registrations.filter((r) => r.status === 'confirmed');
      const confirmedIds = new Set(confirmed.map((r) => r.id));
      const held = sessions.filter((s) => isHeld(s, now));
      const heldIds = new Set(held.map((s) => s.id));

      const attendanceBySession = sessions.map((s) => {
        const own = marks.filter((m) => m.session_id === s.id);
        const present = own.filter((m) => m.present).length;
        const wasHeld = heldIds.has(s.id);
        return {
          sessionId: s.id,
          title: s.title,
          startsAt: new Date(s.starts_at).toISOString(),
          status: s.status,
          held: wasHeld,
          present,
          absent: wasHeld ? Math.max(0, confirmed.length - present) : own.filter((m) => !m.present).length,
          expected: confirmed.length,
          percent: wasHeld ? percent(present, confirmed.length) : null,
        };
      });

      const attendedBy = new Map<string, number>();
      for (const m of marks) {
        if (m.present && heldIds.has(m.session_id) && confirmedIds.has(m.registration_id)) {
          attendedBy.set(m.registration_id, (attendedBy.get(m.registration_id) ?? 0) + 1);
        }
      }
      const group = (key: 'network' | 'organisation') => {
        const groups = new Map<string | null, { participants: number; attended: number }>();
        for (const r of confirmed) {
          const name = r[key]?.trim() || null;
          const g = groups.get(name) ?? { participants: 0, attended: 0 };
          g.participants += 1;
          g.attended += attendedBy.get(r.id) ?? 0;
          groups.set(name, g);
        }
        return [...groups]
          .map(([name, g]) => ({
            name,
            participants: g.participants,
            attended: g.attended,
            possible: g.participants * held.length,
            percent: percent(g.attended, g.participants * held.length),
          }))
          .sort((a, b) => b.participants - a.participants || (a.name ?? '\uffff').localeCompare(b.name ?? '\uffff', 'it'));
      };

      const totalAttended = [...attendedBy.values()].reduce((a, b) => a + b, 0);
      return {
        cycleId,
        generatedAt: now.toISOString(),
        totals: {
          registrations: registrations.length,
          confirmed: confirmed.length,
          waitlisted: registrations.filter((r) => r.status === 'waitlisted').length,
          cancelled: registrations.filter((r) => r.status === 'cancelled').length,
          sessionsHeld: held.length,
          averageAttendancePercent: percent(totalAttended, confirmed.length * held.length),
        },
        signups,
        attendanceBySession,
        byNetwork: group('network'),
        byOrganisation: group('organisation'),
      };
    },
  };
}

export type StatsService = ReturnType<typeof statsService>;
