// Issue 10, finding 3 (second half): the self check-in code's throttle was checked and recorded in two
// steps, so 60 simultaneous wrong codes for one registration were all evaluated (59 answered 400).
// Count-and-check is now atomic: at most 5 wrong codes are evaluated per registration per window,
// the rest get 429 too_many_attempts with Retry-After, and then even the right code waits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { assign, signedIn } from '../helpers/auth.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';
import { expectErrorShape, tokenOf } from '../helpers/http.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t?.close());

describe('self check-in under a burst of guesses', () => {
  it('60 simultaneous wrong codes: at most 5 evaluated (400 invalid_code), the rest 429 with Retry-After', async () => {
    const org = await signedIn(t.app, t.database.db, 'organiser');
    const { cycle, sessions } = await createCycle(t.database.db, { sessionDays: [30] });
    await assign(t.database.db, cycle.id, org.account.id);
    const session = sessions[0]!;
    const signUp = await t.app.inject({ method: 'POST', url: `/api/cycles/${cycle.slug}/registrations`, payload: registrationBody() });
    expect(signUp.statusCode).toBe(201);
    const token = tokenOf(signUp.json().registration);
    // The meeting is under way, so a right code would be accepted (moved after the sign-up, which closes once the cycle has begun).
    await t.database.db
      .updateTable('sessions')
      .set({ starts_at: new Date(Date.now() - 10 * 60_000), ends_at: new Date(Date.now() + 120 * 60_000) })
      .where('id', '=', session.id)
      .execute();
    const codeRes = await t.app.inject({ method: 'GET', url: `/api/admin/sessions/${session.id}/check-in-code`, headers: { cookie: org.cookie } });
    const code = codeRes.json().code as string;

    const guesses = Array.from({ length: 60 }, (_, i) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0'));
    const responses = await Promise.all(
      guesses.map((guess) => t.app.inject({ method: 'POST', url: `/api/sessions/${session.id}/check-in`, payload: { token, code: guess } })),
    );
    const counts: Record<number, number> = {};
    for (const res of responses) counts[res.statusCode] = (counts[res.statusCode] ?? 0) + 1;
    expect(counts[400] ?? 0).toBeGreaterThanOrEqual(1);
    expect(counts[400] ?? 0).toBeLessThanOrEqual(5);
    expect((counts[400] ?? 0) + (counts[429] ?? 0)).toBe(60);
    for (const res of responses) {
      if (res.statusCode === 400) expectErrorShape(res.statusCode, res.json(), { status: 400, code: 'invalid_code' });
      if (res.statusCode === 429) {
        expectErrorShape(res.statusCode, res.json(), { status: 429, code: 'too_many_attempts' });
        const seconds = Number(res.headers['retry-after']);
        expect(Number.isInteger(seconds) && seconds >= 1 && seconds <= 15 * 60, `Retry-After ${res.headers['retry-after']}`).toBe(true);
      }
    }
    const recorded = await t.database.db.selectFrom('check_in_failures').select('id').where('session_id', '=', session.id).execute();
    expect(recorded.length).toBeLessThanOrEqual(5);
    // The guesses are used up: the right code waits too.
    const right = await t.app.inject({ method: 'POST', url: `/api/sessions/${session.id}/check-in`, payload: { token, code } });
    expect(right.statusCode).toBe(429);
  });
});
