// The numbers behind the console's charts: sign-ups per day (cumulative, gaps filled, Rome days),
// attendance per meeting, and by territorial network and organisation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CycleStatsSchema } from '../../server/modules/stats/stats.schemas.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { assign, signedIn, type Session } from '../helpers/auth.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';

const DAY = 86_400_000;
let t: TestApp;
let org: Session;
beforeAll(async () => {
  t = await buildTestApp();
  org = await signedIn(t.app, t.database.db, 'organiser');
});
afterAll(async () => t?.close());

describe('GET /api/admin/cycles/:id/stats', () => {
  it('has the documented shape and the right numbers', async () => {
    const { cycle, sessions } = await createCycle(t.database.db, { capacity: 4, sessionDays: [30, 31, 32] });
    await assign(t.database.db, cycle.id, org.account.id);
    const people = [
      { network: 'Ambito di Dalmine', organisation: 'Comune di Bergamo' },
      { network: 'Ambito di Dalmine', organisation: 'Comune di Dalmine' },
      { network: 'Ambito di Lecco', organisation: 'Comune di Bergamo' },
      { network: null, organisation: 'Cooperativa Sociale' },
      { network: 'Ambito di Lecco', organisation: 'Comune di Lecco' }, // waiting list
    ];
    const ids: string[] = [];
    for (const p of people) {
      const res = await t.app.inject({ method: 'POST', url: `/api/cycles/${cycle.slug}/registrations`, payload: registrationBody(p) });
      ids.push(res.json().registration.id);
    }
    // Sign-up moments in Rome: 23:30 on 1 March is still 1 March there (22:30Z), 00:30 on 4 March is
    // 3 March 23:30Z — the day must follow Rome, not UTC.
    const at = [
      '2026-03-01T09:00:00+01:00',
      '2026-03-01T23:30:00+01:00',
      '2026-03-04T00:30:00+01:00',
      '2026-03-04T10:00:00+01:00',
      '2026-03-05T10:00:00+01:00',
    ];
    for (const [i, id] of ids.entries())
      await t.database.db
        .updateTable('registrations')
        .set({ created_at: new Date(at[i]!) })
        .where('id', '=', id)
        .execute();
    // Two meetings held, one to come.
    for (const [i, d] of [-14, -7, 7].entries()) {
      const start = new Date(Date.now() + d * DAY);
      await t.database.db
        .updateTable('sessions')
        .set({ starts_at: start, ends_at: new Date(start.getTime() + 7_200_000) })
        .where('id', '=', sessions[i]!.id)
        .execute();
    }
    const marks: [number, number][] = [
      [0, 0],
      [0, 1],
      [0, 2],
      [1, 0],
      [1, 3],
    ];
    for (const [s, r] of marks) {
      const res = await t.app.inject({
        method: 'PUT',
        url: `/api/admin/sessions/${sessions[s]!.id}/attendance/${ids[r]}`,
        headers: org.headers,
        payload: { present: true },
      });
      expect(res.statusCode).toBe(200);
    }

    const res = await t.app.inject({ method: 'GET', url: `/api/admin/cycles/${cycle.id}/stats`, headers: { cookie: org.cookie } });
    expect(res.statusCode, res.body).toBe(200);
    const stats = CycleStatsSchema.parse(res.json());
    expect(stats.totals).toEqual({ registrations: 5, confirmed: 4, waitlisted: 1, cancelled: 0, sessionsHeld: 2, averageAttendancePercent: 62.5 });
    expect(stats.signups).toEqual([
      { date: '2026-03-01', count: 2, cumulative: 2 },
      { date: '2026-03-02', count: 0, cumulative: 2 },
      { date: '2026-03-03', count: 0, cumulative: 2 },
      { date: '2026-03-04', count: 2, cumulative: 4 },
      { date: '2026-03-05', count: 1, cumulative: 5 },
    ]);
    expect(stats.attendanceBySession.map((s) => [s.sessionId, s.held, s.present, s.absent, s.expected, s.percent])).toEqual([
      [sessions[0]!.id, true, 3, 1, 4, 75],
      [sessions[1]!.id, true, 2, 2, 4, 50],
      [sessions[2]!.id, false, 0, 0, 4, null],
    ]);
    expect(stats.byNetwork).toEqual([
      { name: 'Ambito di Dalmine', participants: 2, attended: 3, possible: 4, percent: 75 },
      { name: 'Ambito di Lecco', participants: 1, attended: 1, possible: 2, percent: 50 },
      { name: null, participants: 1, attended: 1, possible: 2, percent: 50 },
    ]);
    expect(stats.byOrganisation).toEqual([
      { name: 'Comune di Bergamo', participants: 2, attended: 3, possible: 4, percent: 75 },
      { name: 'Comune di Dalmine', participants: 1, attended: 1, possible: 2, percent: 50 },
      { name: 'Cooperativa Sociale', participants: 1, attended: 1, possible: 2, percent: 50 },
    ]);
  });

  it('is empty but well-formed for a new cycle', async () => {
    const { cycle } = await createCycle(t.database.db, { sessionDays: [] });
    await assign(t.database.db, cycle.id, org.account.id);
    const stats = (await t.app.inject({ method: 'GET', url: `/api/admin/cycles/${cycle.id}/stats`, headers: { cookie: org.cookie } })).json();
    expect(stats).toMatchObject({ signups: [], attendanceBySession: [], byNetwork: [], byOrganisation: [] });
    expect(stats.totals).toMatchObject({ registrations: 0, sessionsHeld: 0, averageAttendancePercent: null });
  });
});
