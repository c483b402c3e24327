// Registrations through the organiser API: the list (no secret links, attendance summary), people added
// by the organiser (walk-ins: confirmed with a free seat, waiting list or an extra seat when full), and
// cancellation by the organiser (the head of the waiting list takes the seat).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { assign, signedIn, type Session } from '../helpers/auth.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';
import { expectErrorShape } from '../helpers/http.ts';

let t: TestApp;
let org: Session;
beforeAll(async () => {
  t = await buildTestApp();
  org = await signedIn(t.app, t.database.db, 'organiser');
});
afterAll(async () => t?.close());

async function myCycle(spec: Parameters<typeof createCycle>[1] = {}) {
  const made = await createCycle(t.database.db, spec);
  await assign(t.database.db, made.cycle.id, org.account.id);
  return made;
}

async function signUps(slug: string, n: number) {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await t.app.inject({ method: 'POST', url: `/api/cycles/${slug}/registrations`, payload: registrationBody({ firstName: `P${i}` }) });
    expect(res.statusCode).toBe(201);
    ids.push(res.json().registration.id);
  }
  return ids;
}

const add = (cycleId: string, body: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: `/api/admin/cycles/${cycleId}/registrations`, headers: org.headers, payload: { ...registrationBody(), ...body } });
const list = async (cycleId: string, q = '') =>
  (await t.app.inject({ method: 'GET', url: `/api/admin/cycles/${cycleId}/registrations${q}`, headers: { cookie: org.cookie } })).json().items;

describe('list', () => {
  it('shows registrations in arrival order without the participants’ secret links', async () => {
    const { cycle } = await myCycle({ capacity: 1 });
    const ids = await signUps(cycle.slug, 3);
    const items = await list(cycle.id);
    expect(items.map((r: { id: string }) => r.id)).toEqual(ids);
    expect(items.map((r: { status: string; waitlistPosition: number | null }) => [r.status, r.waitlistPosition])).toEqual([
      ['confirmed', null],
      ['waitlisted', 1],
      ['waitlisted', 2],
    ]);
    for (const r of items) {
      expect(r.manageUrl).toBeNull();
      expect(r.calendarUrl).toBeNull();
      expect(r.source).toBe('web');
      expect(r.attendance).toEqual({ held: 0, attended: 0, percent: null, sessions: [] });
    }
    expect(await list(cycle.id, '?status=confirmed')).toHaveLength(1);
    expect(await list(cycle.id, '?status=active')).toHaveLength(3);
  });
});

describe('people added by the organiser', () => {
  it('confirms a walk-in when a seat is free, outside the registration window too', async () => {
    const { cycle } = await myCycle({ capacity: 2, registrationClosesAt: new Date(Date.now() - 3_600_000) });
    const res = await add(cycle.id, { source: 'walk_in', firstName: 'Walter' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().registration).toMatchObject({ status: 'confirmed', source: 'walk_in', firstName: 'Walter', manageUrl: null });
    const row = await t.database.db
      .selectFrom('registrations')
      .select(['source', 'consent_version', 'token_hash'])
      .where('id', '=', res.json().registration.id)
      .executeTakeFirstOrThrow();
    expect(row.source).toBe('walk_in');
    expect(row.consent_version).toBe(t.config.privacyVersion);
    expect(row.token_hash).toHaveLength(32);
  });

  it('when full: waiting list by default, or one more seat with addSeat (the waiting list stays put)', async () => {
    const { cycle } = await myCycle({ capacity: 1 });
    const [first, waiting] = await signUps(cycle.slug, 2);
    const queued = await add(cycle.id, { source: 'organiser' });
    expect(queued.json().registration).toMatchObject({ status: 'waitlisted', waitlistPosition: 2, source: 'organiser' });
    const seated = await add(cycle.id, { source: 'walk_in', addSeat: true });
    expect(seated.statusCode).toBe(201);
    expect(seated.json().registration.status).toBe('confirmed');
    const c = await t.database.db
      .selectFrom('cycles')
      .select(['capacity', 'seats_taken', 'waitlist_length'])
      .where('id', '=', cycle.id)
      .executeTakeFirstOrThrow();
    expect(c).toEqual({ capacity: 2, seats_taken: 2, waitlist_length: 2 });
    const statuses = await list(cycle.id);
    expect(statuses.find((r: { id: string }) => r.id === first)!.status).toBe('confirmed');
    expect(statuses.find((r: { id: string }) => r.id === waiting)!.waitlistPosition).toBe(1);
  });

  it('refuses a full cycle without a waiting list (409 cycle_full) and a second active registration (409)', async () => {
    const { cycle } = await myCycle({ capacity: 0, waitlistEnabled: false });
    const full = await add(cycle.id, {});
    expectErrorShape(full.statusCode, full.json(), { status: 409, code: 'cycle_full' });
    const { cycle: other } = await myCycle({ capacity: 5 });
    const body = registrationBody();
    expect((await add(other.id, body)).statusCode).toBe(201);
    const dup = await add(other.id, { ...body, email: body.email.toUpperCase() });
    expectErrorShape(dup.statusCode, dup.json(), { status: 409, code: 'already_registered' });
    const noConsent = await add(other.id, { consent: false });
    expectErrorShape(noConsent.statusCode, noConsent.json(), { status: 400, code: 'validation_error' });
  });
});

describe('cancellation by the organiser', () => {
  it('frees the seat for the head of the waiting list, records who cancelled, and can’t cancel twice', async () => {
    const { cycle } = await myCycle({ capacity: 1 });
    const [holder, next, after] = await signUps(cycle.slug, 3);
    const res = await t.app.inject({ method: 'POST', url: `/api/admin/registrations/${holder}/cancel`, headers: org.headers });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().registration.status).toBe('cancelled');
    expect(res.json().promoted).toEqual([next]);
    const row = await t.database.db.selectFrom('registrations').select(['cancelled_by']).where('id', '=', holder!).executeTakeFirstOrThrow();
    expect(row.cancelled_by).toBe('organiser');
    const items = await list(cycle.id);
    expect(items.find((r: { id: string }) => r.id === next)!.status).toBe('confirmed');
    expect(items.find((r: { id: string }) => r.id === after)!.waitlistPosition).toBe(1);
    const twice = await t.app.inject({ method: 'POST', url: `/api/admin/registrations/${holder}/cancel`, headers: org.headers });
    expectErrorShape(twice.statusCode, twice.json(), { status: 409, code: 'already_cancelled' });
  });

  it('cancelling someone on the waiting list promotes nobody', async () => {
    const { cycle } = await myCycle({ capacity: 1 });
    const [, waiting] = await signUps(cycle.slug, 2);
    const res = await t.app.inject({ method: 'POST', url: `/api/admin/registrations/${waiting}/cancel`, headers: org.headers });
    expect(res.json().promoted).toEqual([]);
  });
});
