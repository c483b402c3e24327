// The meeting day through the API (issue #15 item 7): a mark can be cleared (present: null), presence is
// refused before the meeting's check-in window opens (and allowed after the meeting, for corrections),
// "everyone present" marks only those with a seat and no mark in one write, a walk-in at a meeting under
// way is registered and marked present in the same request, and GET /api/admin/sessions/today lists the
// day's meetings of the caller's cycles with their figures (or the next ones).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { assign, signedIn, type Session } from '../helpers/auth.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';
import { expectErrorShape } from '../helpers/http.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
let t: TestApp;
let org: Session;
beforeAll(async () => {
  t = await buildTestApp();
  org = await signedIn(t.app, t.database.db, 'organiser');
});
afterAll(async () => t?.close());

/** One of our cycles with `people` sign-ups; its first meeting starts `startsInMs` from now (3 hours long). */
async function setUp(startsInMs: number, people = 3, capacity = 10) {
  const { cycle, sessions } = await createCycle(t.database.db, { capacity, sessionDays: [30, 37] });
  await assign(t.database.db, cycle.id, org.account.id);
  const regs: string[] = [];
  for (let i = 0; i < people; i++) {
    const res = await t.app.inject({ method: 'POST', url: `/api/cycles/${cycle.slug}/registrations`, payload: registrationBody({ lastName: `Cognome${i}` }) });
    expect(res.statusCode, res.body).toBe(201);
    regs.push(res.json().registration.id);
  }
  const start = new Date(Date.now() + startsInMs);
  await t.database.db
    .updateTable('sessions')
    .set({ starts_at: start, ends_at: new Date(start.getTime() + 3 * HOUR) })
    .where('id', '=', sessions[0]!.id)
    .execute();
  return { cycle, sessionId: sessions[0]!.id, regs };
}

const mark = (sessionId: string, registrationId: string, present: boolean | null, lang = 'it') =>
  t.app.inject({
    method: 'PUT',
    url: `/api/admin/sessions/${sessionId}/attendance/${registrationId}`,
    headers: { ...org.headers, 'accept-language': lang },
    payload: { present },
  });
const allPresent = (sessionId: string) =>
  t.app.inject({ method: 'POST', url: `/api/admin/sessions/${sessionId}/attendance/all-present`, headers: org.headers });
const roster = async (sessionId: string) =>
  (await t.app.inject({ method: 'GET', url: `/api/admin/sessions/${sessionId}/attendance`, headers: { cookie: org.cookie } })).json();
const rows = (sessionId: string) => t.database.db.selectFrom('attendance').selectAll().where('session_id', '=', sessionId).execute();

describe('three states: a mark can be cleared', () => {
  it('present: null removes the record, and the roster shows the person as not marked', async () => {
    const { sessionId, regs } = await setUp(-HOUR);
    expect((await mark(sessionId, regs[0]!, true)).statusCode).toBe(200);
    const cleared = await mark(sessionId, regs[0]!, null);
    expect(cleared.statusCode, cleared.body).toBe(200);
    expect(cleared.json()).toEqual({ registrationId: regs[0], sessionId, present: null, method: null, markedAt: null });
    expect(await rows(sessionId)).toEqual([]);
    const r = await roster(sessionId);
    expect(r.items.find((i: { registrationId: string }) => i.registrationId === regs[0]).present).toBeNull();
    expect(r.counts).toEqual({ present: 0, absent: 0, unmarked: 3 });
    // Missing is still a validation error naming the field, not a silent clear.
    const missing = await t.app.inject({ method: 'PUT', url: `/api/admin/sessions/${sessionId}/attendance/${regs[0]}`, headers: org.headers, payload: {} });
    expect(expectErrorShape(missing.statusCode, missing.json(), { status: 400, code: 'validation_error' }).fields?.[0]?.field).toBe('present');
  });
});

describe('presence only from the check-in window', () => {
  it('refuses present and absent 12 days before the meeting with a 409 saying why, in the request language', async () => {
    const { sessionId, regs } = await setUp(12 * 24 * HOUR);
    const it_ = await mark(sessionId, regs[0]!, true);
    expect(expectErrorShape(it_.statusCode, it_.json(), { status: 409, code: 'attendance_not_open' }).message).toBe(
      'La presenza si può segnare da mezz’ora prima dell’inizio dell’incontro.',
    );
    const en = await mark(sessionId, regs[0]!, false, 'en');
    expect(expectErrorShape(en.statusCode, en.json(), { status: 409, code: 'attendance_not_open' }).message).toBe(
      'Attendance can be taken from half an hour before the meeting starts.',
    );
    const qr = await t.app.inject({
      method: 'POST',
      url: `/api/admin/sessions/${sessionId}/check-in/qr`,
      headers: org.headers,
      payload: { qr: t.app.services.attendance.qrPayload(regs[0]!, 1) },
    });
    expectErrorShape(qr.statusCode, qr.json(), { status: 409, code: 'attendance_not_open' });
    const all = await allPresent(sessionId);
    expectErrorShape(all.statusCode, all.json(), { status: 409, code: 'attendance_not_open' });
    expect(await rows(sessionId)).toEqual([]);
    // The roster says from when.
    const r = await roster(sessionId);
    expect(Date.parse(r.markingOpensAt)).toBe(Date.parse(r.session.startsAt) - 30 * MINUTE);
  });

  it('opens half an hour before the start, and stays open for corrections after the meeting', async () => {
    const soon = await setUp(20 * MINUTE);
    expect((await mark(soon.sessionId, soon.regs[0]!, true)).statusCode).toBe(200);
    const over = await setUp(-2 * 24 * HOUR);
    expect((await mark(over.sessionId, over.regs[0]!, false)).statusCode).toBe(200);
    expect((await mark(over.sessionId, over.regs[0]!, true)).statusCode).toBe(200);
  });
});

describe('everyone present', () => {
  it('marks only the people with a seat and no mark yet, keeping absences and QR scans', async () => {
    const { sessionId, regs } = await setUp(-HOUR, 4, 3); // the fourth is on the waiting list
    expect((await mark(sessionId, regs[0]!, false)).statusCode).toBe(200);
    const scanned = await t.app.inject({
      method: 'POST',
      url: `/api/admin/sessions/${sessionId}/check-in/qr`,
      headers: org.headers,
      payload: { qr: t.app.services.attendance.qrPayload(regs[1]!, 1) },
    });
    expect(scanned.statusCode).toBe(200);
    const res = await allPresent(sessionId);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ marked: 1, registrationIds: [regs[2]] });
    const byReg = new Map((await rows(sessionId)).map((r) => [r.registration_id, r]));
    expect(byReg.get(regs[0]!)).toMatchObject({ present: false, method: 'roster' });
    expect(byReg.get(regs[1]!)).toMatchObject({ present: true, method: 'qr' });
    expect(byReg.get(regs[2]!)).toMatchObject({ present: true, method: 'roster', marked_by: org.account.id });
    expect(byReg.has(regs[3]!)).toBe(false);
    // Again: nobody left.
    expect((await allPresent(sessionId)).json()).toEqual({ marked: 0, registrationIds: [] });
  });
});

describe('a walk-in at a meeting under way', () => {
  const walkIn = (cycleId: string, body: Record<string, unknown>) =>
    t.app.inject({
      method: 'POST',
      url: `/api/admin/cycles/${cycleId}/registrations`,
      headers: org.headers,
      payload: { ...registrationBody({ lastName: 'Arrivata' }), source: 'walk_in', ...body },
    });

  it('is registered and marked present at that meeting in the same request', async () => {
    const { cycle, sessionId } = await setUp(-HOUR, 1);
    const res = await walkIn(cycle.id, { presentAt: sessionId });
    expect(res.statusCode, res.body).toBe(201);
    const reg = res.json().registration;
    expect(reg.status).toBe('confirmed');
    expect(reg.attendance.sessions).toEqual([{ sessionId, present: true }]);
    const row = await t.database.db.selectFrom('attendance').selectAll().where('registration_id', '=', reg.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ session_id: sessionId, present: true, method: 'roster', marked_by: org.account.id });
  });

  it('on the waiting list is not marked; before the window or at another cycle’s meeting nothing is written', async () => {
    const full = await setUp(-HOUR, 1, 1);
    const waiting = await walkIn(full.cycle.id, { presentAt: full.sessionId });
    expect(waiting.statusCode, waiting.body).toBe(201);
    expect(waiting.json().registration.status).toBe('waitlisted');
    expect(waiting.json().registration.attendance.sessions).toEqual([]);

    const later = await setUp(5 * 24 * HOUR, 0);
    const early = await walkIn(later.cycle.id, { presentAt: later.sessionId });
    expectErrorShape(early.statusCode, early.json(), { status: 409, code: 'attendance_not_open' });
    const other = await walkIn(later.cycle.id, { presentAt: full.sessionId });
    expectErrorShape(other.statusCode, other.json(), { status: 404, code: 'not_found' });
    const count = await t.database.db
      .selectFrom('registrations')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('cycle_id', '=', later.cycle.id)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });
});

describe('GET /api/admin/sessions/today', () => {
  it("lists today's meetings of my cycles with present and expected, and the next ones; not another organiser's", async () => {
    const fresh = await signedIn(t.app, t.database.db, 'organiser');
    const day = async (who: Session) => (await t.app.inject({ method: 'GET', url: '/api/admin/sessions/today', headers: { cookie: who.cookie } })).json();
    // Nothing of theirs yet: empty.
    expect(await day(fresh)).toMatchObject({ today: [], next: [] });

    const { cycle, sessions } = await createCycle(t.database.db, { capacity: 10, sessionDays: [3, 10, 17, 24] });
    await assign(t.database.db, cycle.id, fresh.account.id);
    let d = await day(fresh);
    expect(d.today).toEqual([]);
    expect(d.next.map((x: { session: { id: string } }) => x.session.id)).toEqual(sessions.slice(0, 3).map((s) => s.id));

    // Two people sign up, then the first meeting moves to now: it is today's, with its figures.
    const people = [];
    for (let i = 0; i < 2; i++) {
      const r = await t.app.inject({ method: 'POST', url: `/api/cycles/${cycle.slug}/registrations`, payload: registrationBody() });
      people.push(r.json().registration.id as string);
    }
    const now = Date.now();
    await t.database.db
      .updateTable('sessions')
      .set({ starts_at: new Date(now), ends_at: new Date(now + MINUTE) })
      .where('id', '=', sessions[0]!.id)
      .execute();
    const put = await t.app.inject({
      method: 'PUT',
      url: `/api/admin/sessions/${sessions[0]!.id}/attendance/${people[0]}`,
      headers: fresh.headers,
      payload: { present: true },
    });
    expect(put.statusCode).toBe(200);
    d = await day(fresh);
    expect(d.today).toHaveLength(1);
    expect(d.today[0]).toMatchObject({
      session: { id: sessions[0]!.id, cycleId: cycle.id, status: 'scheduled' },
      cycle: { id: cycle.id, title: cycle.title },
      present: 1,
      expected: 2,
    });
    expect(d.next[0].session.id).toBe(sessions[1]!.id);
    // Someone else's cycle is not in another organiser's day.
    expect((await day(org)).today.map((x: { session: { id: string } }) => x.session.id)).not.toContain(sessions[0]!.id);
  });
});
