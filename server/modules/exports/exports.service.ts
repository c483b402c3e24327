// The attendance sheet of a cycle for the programme's reporting: one row per registration, one column
// per session (present / absent once held), then the count and percentage over the sessions held.
// Headers and words follow the request language (Italian by default); dates are in APP_TIMEZONE.
import type { Kysely } from 'kysely';
import type { Database, Locale } from '../../../db/schema.ts';
import { errors } from '../../lib/errors.ts';
import { t } from '../../lib/i18n.ts';
import * as attendanceRepo from '../attendance/attendance.repository.ts';
import { isHeld, percent } from '../attendance/attendance.summary.ts';
import * as cyclesRepo from '../cycles/cycles.repository.ts';
import { listOfCycle } from '../registrations/registrations.manage.repository.ts';
import { toCsv, type Separator } from './exports.csv.ts';

const HEAD = [
  'export_last_name',
  'export_first_name',
  'export_email',
  'export_organisation',
  'export_role',
  'export_network',
  'export_status',
  'export_source',
  'export_registered',
] as const;
const TAIL = ['export_attended', 'export_held', 'export_attendance_percent'] as const;

/** The sheet's words in the request language. */
function words(locale: Locale) {
  return {
    head: HEAD.map((key) => t(locale, key)),
    tail: TAIL.map((key) => t(locale, key)),
    present: t(locale, 'export_present'),
    absent: t(locale, 'export_absent'),
    cancelledSession: t(locale, 'export_session_cancelled'),
    status: {
      confirmed: t(locale, 'export_status_confirmed'),
      waitlisted: t(locale, 'export_status_waitlisted'),
      cancelled: t(locale, 'export_status_cancelled'),
    },
    source: { web: t(locale, 'export_source_web'), organiser: t(locale, 'export_source_organiser'), walk_in: t(locale, 'export_source_walk_in') },
  };
}

export interface ExportOptions {
  sep: Separator;
  locale: Locale;
  /** active: confirmed and waiting list (default); all: cancelled registrations too. */
  include: 'active' | 'all';
}

export function exportsService(deps: { db: Kysely<Database>; timezone: string; clock?: () => Date }) {
  const { db } = deps;
  const clock = deps.clock ?? (() => new Date());
  const day = new Intl.DateTimeFormat('it-IT', { timeZone: deps.timezone, day: '2-digit', month: '2-digit', year: 'numeric' });
  const moment = new Intl.DateTimeFormat('it-IT', {
    timeZone: deps.timezone,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });

  return {
    async attendanceCsv(cycleId: string, opts: ExportOptions): Promise<{ filename: string; body: string }> {
      const cycle = await cyclesRepo.findById(db, cycleId);
      if (!cycle) throw errors.notFound();
      const [rows, sessions, marks] = await Promise.all([
        listOfCycle(db, cycleId, opts.include, 'name'),
        cyclesRepo.sessionsOf(db, [cycleId]),
        attendanceRepo.recordsOfCycle(db, cycleId),
      ]);
      const w = words(opts.locale);
      const now = clock();
      const held = sessions.filter((s) => isHeld(s, now));
      const mark = new Map(marks.map((m) => [`${m.registration_id}:${m.session_id}`, m.present]));
      const decimal = (n: number | null) => (n === null ? '' : `${opts.sep === ';' ? String(n).replace('.', ',') : n}%`);

      const header = [
        ...w.head,
        ...sessions.map((s, i) => `${i + 1}. ${s.title} (${day.format(new Date(s.starts_at))})${s.status === 'cancelled' ? ` – ${w.cancelledSession}` : ''}`),
        ...w.tail,
      ];
      const lines = rows.map((r) => {
        let attended = 0;
        const cells = sessions.map((s) => {
          if (s.status === 'cancelled') return w.cancelledSession;
          const m = mark.get(`${r.id}:${s.id}`);
          if (m === true && isHeld(s, now)) attended += 1;
          if (m !== undefined) return m ? w.present : w.absent;
          // Unmarked: absent once held, for someone who held a seat; nothing otherwise.
          return r.status === 'confirmed' && isHeld(s, now) ? w.absent : '';
        });
        return [
          r.last_name,
          r.first_name,
          r.email ?? '',
          r.organisation,
          r.role ?? '',
          r.network ?? '',
          w.status[r.status],
          w.source[r.source],
          moment.format(new Date(r.created_at)),
          ...cells,
          attended,
          held.length,
          decimal(percent(attended, held.length)),
        ];
      });
      return { filename: t(opts.locale, 'export_filename', { cycle: cycle.slug }), body: toCsv([header, ...lines], opts.sep) };
    },
  };
}

export type ExportsService = ReturnType<typeof exportsService>;
