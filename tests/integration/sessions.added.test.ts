// A meeting added to a cycle after people signed up gets its reminders like the others: nothing is
// scheduled when it is added, the reminder scheduler simply finds it when its reminders come due.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueDueReminders } from '../../server/modules/mail/mail.queue.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ env: { REMINDER_OFFSETS: '2d,2h' } });
});
afterAll(async () => t?.close());

const remindersFor = (sessionId: string) =>
  t.database.db
    .selectFrom('reminders_sent')
    .select(['registration_id', 'offset_ms'])
    .where('session_id', '=', sessionId)
    .orderBy('offset_ms', 'desc')
    .execute();
const tick = (at: number) => enqueueDueReminders(t.database.db, t.config.reminderOffsetsMs, new Date(at));

describe('addSession', () => {
  it('gets reminders for confirmed people, none for the waiting list', async () => {
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
    expect(await tick(startsAt.getTime() - 2 * 86_400_000 + 1_000)).toBe(1);
    expect(await tick(startsAt.getTime() - 2 * 3_600_000 + 1_000)).toBe(1);
    const sent = await remindersFor(added.session.id);
    expect(sent.map((r) => r.registration_id)).toEqual([confirmed.json().registration.id, confirmed.json().registration.id]);
    expect(sent.map((r) => Number(r.offset_ms))).toEqual([2 * 86_400_000, 2 * 3_600_000]);
  });
});
