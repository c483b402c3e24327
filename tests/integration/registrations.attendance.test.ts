// "my registration" shows the attendance marks an organiser took
// (docs/http-api.md: attendance: {sessionId, present}[]).
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { assign, signedIn } from '../helpers/auth.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t?.close());

describe('GET /api/registrations/:token attendance', () => {
  it('lists the marks of that person only, present and absent', async () => {
    const { cycle, sessions } = await createCycle(t.database.db, { capacity: 5, sessionDays: [7, 14, 21] });
    const org = await signedIn(t.app, t.database.db, 'organiser');
    await assign(t.database.db, cycle.id, org.account.id);
    const mine = await t.app.inject({ method: 'POST', url: `/api/cycles/${cycle.slug}/registrations`, payload: registrationBody() });
    const other = await t.app.inject({ method: 'POST', url: `/api/cycles/${cycle.slug}/registrations`, payload: registrationBody() });
    const myId = mine.json().registration.id as string;
    const token = new URL(mine.json().registration.manageUrl).pathname.split('/').pop()!;

    const before = await t.app.inject({ url: `/api/registrations/${token}` });
    expect(before.json().attendance).toEqual([]);
    // The meetings have taken place: presence is marked from the day of a meeting on.
    await t.database.db
      .updateTable('sessions')
      .set({ starts_at: sql`starts_at - interval '30 days'`, ends_at: sql`ends_at - interval '30 days'` })
      .where('cycle_id', '=', cycle.id)
      .execute();

    const mark = (sessionId: string, registrationId: string, present: boolean) =>
      t.app.inject({
        method: 'PUT',
        url: `/api/admin/sessions/${sessionId}/attendance/${registrationId}`,
        headers: org.headers,
        payload: { present },
      });
    expect((await mark(sessions[0]!.id, myId, true)).statusCode).toBe(200);
    expect((await mark(sessions[1]!.id, myId, false)).statusCode).toBe(200);
    expect((await mark(sessions[2]!.id, other.json().registration.id, true)).statusCode).toBe(200);

    const after = await t.app.inject({ url: `/api/registrations/${token}` });
    const marks = (after.json().attendance as { sessionId: string; present: boolean }[]).sort((a, b) => a.sessionId.localeCompare(b.sessionId));
    const expected = [
      { sessionId: sessions[0]!.id, present: true },
      { sessionId: sessions[1]!.id, present: false },
    ].sort((a, b) => a.sessionId.localeCompare(b.sessionId));
    expect(marks).toEqual(expected);
  });
});
