// Self check-in with the session's short code: accepted only for that session, from 30 minutes before
// its start to its end, once per participant; wrong codes are refused (400 invalid_code) and throttled
// per registration in PostgreSQL (429).
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { assign, signedIn, type Session } from '../helpers/auth.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';
import { expectErrorShape, tokenOf } from '../helpers/http.ts';

const MIN = 60_000;
let t: TestApp;
let org: Session;
beforeAll(async () => {
  t = await buildTestApp();
  org = await signedIn(t.app, t.database.db, 'organiser');
});
afterAll(async () => t?.close());

/** A cycle of ours with sessions placed at [start, end] offsets in minutes from now, and `people` sign-ups. */
async function setUp(windows: [number, number][], people = 1, capacity = 10) {
  const { cycle, sessions } = await createCycle(t.database.db, { capacity, sessionDays: windows.map((_, i) => 30 + i) });
  await assign(t.database.db, cycle.id, org.account.id);
  const regs = [];
  for (let i = 0; i < people; i++) {
    const res = await t.app.inject({ method: 'POST', url: `/api/cycles/${cycle.slug}/registrations`, payload: registrationBody() });
    expect(res.statusCode).toBe(201);
    regs.push({ id: res.json().registration.id as string, token: tokenOf(res.json().registration), status: res.json().registration.status as string });
  }
  const now = Date.now();
  for (const [i, [from, to]] of windows.entries()) {
    await t.database.db
      .updateTable('sessions')
      .set({ starts_at: new Date(now + from * MIN), ends_at: new Date(now + to * MIN) })
      .where('id', '=', sessions[i]!.id)
      .execute();
  }
  return { cycle, sessionIds: sessions.map((s) => s.id), regs };
}

async function codeOf(sessionId: string) {
  const res = await t.app.inject({ method: 'GET', url: `/api/admin/sessions/${sessionId}/check-in-code`, headers: { cookie: org.cookie } });
  expect(res.statusCode).toBe(200);
  return res.json() as { code: string; validFrom: string; validUntil: string };
}

const checkIn = (sessionId: string, token: string, code: string) =>
  t.app.inject({ method: 'POST', url: `/api/sessions/${sessionId}/check-in`, payload: { token, code } });

describe('the check-in code', () => {
  it('is 6 digits, stable per session, different between sessions, valid from 30 minutes before the start to the end', async () => {
    const { sessionIds } = await setUp([
      [-10, 120],
      [60, 180],
    ]);
    const one = await codeOf(sessionIds[0]!);
    expect(one.code).toMatch(/^\d{6}$/);
    expect(await codeOf(sessionIds[0]!)).toEqual(one);
    const two = await codeOf(sessionIds[1]!);
    expect(two.code).not.toBe(one.code);
    const s = await t.database.db.selectFrom('sessions').select(['starts_at', 'ends_at']).where('id', '=', sessionIds[1]!).executeTakeFirstOrThrow();
    expect(new Date(two.validFrom).getTime()).toBe(new Date(s.starts_at).getTime() - 30 * MIN);
    expect(new Date(two.validUntil).getTime()).toBe(new Date(s.ends_at).getTime());
  });
});

describe('POST /api/sessions/:id/check-in', () => {
  it('marks the participant present with the right code during the session', async () => {
    const { sessionIds, regs } = await setUp([[-10, 120]]);
    const { code } = await codeOf(sessionIds[0]!);
    const res = await checkIn(sessionIds[0]!, regs[0]!.token, code);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ present: true });
    const row = await t.database.db.selectFrom('attendance').selectAll().where('registration_id', '=', regs[0]!.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ session_id: sessionIds[0], present: true, method: 'code', marked_by: null });
  });

  it('refuses a second use (409 already_checked_in) and keeps one record', async () => {
    const { sessionIds, regs } = await setUp([[-10, 120]]);
    const { code } = await codeOf(sessionIds[0]!);
    expect((await checkIn(sessionIds[0]!, regs[0]!.token, code)).statusCode).toBe(200);
    const again = await checkIn(sessionIds[0]!, regs[0]!.token, code);
    expectErrorShape(again.statusCode, again.json(), { status: 409, code: 'already_checked_in' });
    expect(await t.database.db.selectFrom('attendance').select('present').where('registration_id', '=', regs[0]!.id).execute()).toHaveLength(1);
  });

  it('lets two simultaneous correct submissions succeed only once', async () => {
    const { sessionIds, regs } = await setUp([[-10, 120]]);
    const { code } = await codeOf(sessionIds[0]!);
    const both = await Promise.all([checkIn(sessionIds[0]!, regs[0]!.token, code), checkIn(sessionIds[0]!, regs[0]!.token, code)]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 409]);
  });

  it('accepts the code up to 30 minutes before the start, with spaces in it', async () => {
    const { sessionIds, regs } = await setUp([[25, 200]]);
    const { code } = await codeOf(sessionIds[0]!);
    const res = await checkIn(sessionIds[0]!, regs[0]!.token, `${code.slice(0, 3)} ${code.slice(3)}`);
    expect(res.statusCode, res.body).toBe(200);
  });

  it('refuses a wrong code, another session’s code, a code outside the window and a cancelled session: 400 invalid_code', async () => {
    const { sessionIds, regs } = await setUp(
      [
        [-10, 120], // under way
        [-20, 100], // also under way: its code must not open the first
        [40, 160], // starts in 40 minutes: too early
        [-180, -1], // ended a minute ago
        [-10, 120], // under way but cancelled
      ],
      4,
    );
    const [now, other, early, ended, cancelled] = sessionIds as [string, string, string, string, string];
    await t.database.db.updateTable('sessions').set({ status: 'cancelled' }).where('id', '=', cancelled).execute();
    const codes = await Promise.all(sessionIds.map(async (id) => (await codeOf(id)).code));
    const wrong = String((Number(codes[0]) + 1) % 1_000_000).padStart(6, '0');
    const attempts: [string, string, string][] = [
      [now, regs[0]!.token, wrong],
      [now, regs[0]!.token, ''],
      [now, regs[1]!.token, codes[1]!],
      [early, regs[2]!.token, codes[2]!],
      [ended, regs[3]!.token, codes[3]!],
      [cancelled, regs[3]!.token, codes[4]!],
    ];
    for (const [session, token, code] of attempts) {
      const res = await checkIn(session, token, code);
      expectErrorShape(res.statusCode, res.json(), { status: 400, code: 'invalid_code' });
    }
    expect(await t.database.db.selectFrom('attendance').select('present').where('session_id', 'in', sessionIds).execute()).toHaveLength(0);
    const failures = await t.database.db.selectFrom('check_in_failures').select('registration_id').where('session_id', 'in', sessionIds).execute();
    expect(failures).toHaveLength(attempts.length);
    // The same people with the right code at the right time get in.
    expect((await checkIn(now, regs[0]!.token, codes[0]!)).statusCode).toBe(200);
    expect((await checkIn(other, regs[1]!.token, codes[1]!)).statusCode).toBe(200);
  });

  it('answers 404 for an unknown token and for a session outside the token’s cycle', async () => {
    const a = await setUp([[-10, 120]]);
    const b = await setUp([[-10, 120]]);
    const { code } = await codeOf(b.sessionIds[0]!);
    for (const [session, token] of [
      [b.sessionIds[0]!, a.regs[0]!.token],
      [b.sessionIds[0]!, 'x'.repeat(43)],
      [b.sessionIds[0]!, 'short'],
      ['not-a-uuid', b.regs[0]!.token],
      [crypto.randomUUID(), b.regs[0]!.token],
    ] as [string, string][]) {
      const res = await checkIn(session, token, code);
      expectErrorShape(res.statusCode, res.json(), { status: 404, code: 'not_found' });
    }
  });

  it('refuses someone on the waiting list (409 not_confirmed)', async () => {
    const { sessionIds, regs } = await setUp([[-10, 120]], 2, 1);
    expect(regs[1]!.status).toBe('waitlisted');
    const { code } = await codeOf(sessionIds[0]!);
    const res = await checkIn(sessionIds[0]!, regs[1]!.token, code);
    expectErrorShape(res.statusCode, res.json(), { status: 409, code: 'not_confirmed' });
  });

  it('throttles wrong codes per registration: after 5 in 15 minutes even the right one gets 429', async () => {
    const { sessionIds, regs } = await setUp([[-10, 120]], 2);
    const { code } = await codeOf(sessionIds[0]!);
    const wrong = String((Number(code) + 7) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 5; i++) expect((await checkIn(sessionIds[0]!, regs[0]!.token, wrong)).statusCode).toBe(400);
    const locked = await checkIn(sessionIds[0]!, regs[0]!.token, code);
    expectErrorShape(locked.statusCode, locked.json(), { status: 429, code: 'too_many_attempts' });
    // The count lives in PostgreSQL: another app on the same database agrees.
    const other = await buildTestApp({ database: t.database });
    try {
      const res = await other.app.inject({ method: 'POST', url: `/api/sessions/${sessionIds[0]}/check-in`, payload: { token: regs[0]!.token, code } });
      expect(res.statusCode).toBe(429);
    } finally {
      await other.app.close();
    }
    // Someone else in the same room is not affected.
    expect((await checkIn(sessionIds[0]!, regs[1]!.token, code)).statusCode).toBe(200);
    // After 15 minutes the right code works again.
    await t.database.db
      .updateTable('check_in_failures')
      .set({ at: sql`now() - interval '16 minutes'` })
      .where('registration_id', '=', regs[0]!.id)
      .execute();
    expect((await checkIn(sessionIds[0]!, regs[0]!.token, code)).statusCode).toBe(200);
  });
});
