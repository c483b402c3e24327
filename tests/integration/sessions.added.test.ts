// A meeting added to a cycle after people signed up gets its reminders like the others.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ env: { REMINDER_OFFSETS: '2d,2h' } });
});
afterAll(async () => t?.close());

const remindersFor = async (sessionId: string) =>
  (
    await sql<{ key: string; run_at: Date }>`
      SELECT key, run_at FROM graphile_worker.jobs WHERE key LIKE ${`reminder:%:${sessionId}:%`} ORDER BY run_at`.execute(t.database.db)
  ).rows;

describe('addSession', () => {
  it('schedules reminders for confirmed people, none for the waiting list', async () => {
    const { cycle } = await createCycle(t.database.db, { capacity: 1, sessionDays: [7, 14] });
    const confirmed = await t.app.inject({ method: 'POST', url: `/api/cycles/${cycle.slug}/registrations`, payload: registrationBody() });
    const waitlisted = await t.app.inject({ method: 'POST', url: `/api/cycles/${cycle.slug}/registrations`, payload: registrationBody() });
    expect(confirmed.json().registration.status).toBe('confirmed');
    expect(waitlisted.json().registration.status).toBe('waitlisted');

    // Whole seconds: calendars carry no milliseconds, so the service drops them.
    const startsAt = new Date(Math.floor((Date.now() + 21 * 86_400_000) / 1000) * 1000);
    const added = await t.app.services.sessions.addSession(cycle.id, {
      title: 'Incontro aggiunto',
      startsAt,
      endsAt: new Date(startsAt.getTime() + 3 * 3_600_000),
    });
    const jobs = await remindersFor(added.session.id);
    expect(jobs.map((j) => j.key.split(':')[1])).toEqual([
      confirmed.json().registration.id,
      confirmed.json().registration.id,
    ]);
    expect(jobs.map((j) => startsAt.getTime() - new Date(j.run_at).getTime())).toEqual([2 * 86_400_000, 2 * 3_600_000]);
  });
});
