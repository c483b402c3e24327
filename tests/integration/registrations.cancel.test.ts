// Cancelling through the private token: the seat goes to the head of the waiting list in the same
// transaction, a cancelled token can't cancel twice, and no token of any shape causes a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../server/lib/tokens.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';
import { expectErrorShape, listen, request, tokenOf } from '../helpers/http.ts';

let t: TestApp;
let base: string;
beforeAll(async () => {
  t = await buildTestApp();
  base = await listen(t.app);
});
afterAll(async () => t?.close());

/** A cycle with `capacity` seats and `people` sign-ups in order; returns registrations with tokens. */
async function filledCycle(capacity: number, people: number) {
  const { cycle } = await createCycle(t.database.db, { capacity });
  const regs = [];
  for (let i = 0; i < people; i++) {
    const res = await request(base, 'POST', `/api/cycles/${cycle.slug}/registrations`, registrationBody({ firstName: `P${i}` }));
    expect(res.status).toBe(201);
    regs.push({ ...res.body.registration, token: tokenOf(res.body.registration) });
  }
  return { cycle, regs };
}

async function show(token: string) {
  const res = await request(base, 'GET', `/api/registrations/${token}`);
  expect(res.status).toBe(200);
  return res.body as { registration: any; cycle: any };
}

const cancel = (token: string) => request(base, 'POST', `/api/registrations/${token}/cancel`);

async function counters(cycleId: string) {
  return t.database.db.selectFrom('cycles').select(['seats_taken', 'waitlist_length']).where('id', '=', cycleId).executeTakeFirstOrThrow();
}

describe('cancel', () => {
  it('of a confirmed registration confirms the head of the waiting list and moves the rest up', async () => {
    const { cycle, regs } = await filledCycle(2, 6); // 2 confirmed, 4 waitlisted at 1..4
    expect(regs.map((r) => r.status)).toEqual(['confirmed', 'confirmed', 'waitlisted', 'waitlisted', 'waitlisted', 'waitlisted']);
    expect(regs.slice(2).map((r) => r.waitlistPosition)).toEqual([1, 2, 3, 4]);

    const res = await cancel(regs[0].token);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['registration']);
    expect(res.body.registration).toMatchObject({ id: regs[0].id, status: 'cancelled', waitlistPosition: null });
    expect(res.body.registration.cancelledAt).toEqual(expect.any(String));

    // Right after the response (same transaction): the former position 1 holds the seat.
    const head = await show(regs[2].token);
    expect(head.registration).toMatchObject({ status: 'confirmed', waitlistPosition: null });
    expect(head.registration.confirmedAt).toEqual(expect.any(String));
    expect((await show(regs[3].token)).registration).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
    expect((await show(regs[4].token)).registration).toMatchObject({ status: 'waitlisted', waitlistPosition: 2 });
    expect((await show(regs[5].token)).registration).toMatchObject({ status: 'waitlisted', waitlistPosition: 3 });
    expect((await show(regs[1].token)).registration.status).toBe('confirmed');

    expect(await counters(cycle.id)).toEqual({ seats_taken: 2, waitlist_length: 3 });
    const cycleView = (await show(regs[1].token)).cycle;
    expect(cycleView).toMatchObject({ seatsTaken: 2, seatsLeft: 0, waitlistLength: 3, status: 'full' });
  });

  it('of a waitlisted registration promotes nobody and closes the gap behind it', async () => {
    const { cycle, regs } = await filledCycle(1, 5); // 1 confirmed, 4 waitlisted
    const res = await cancel(regs[2].token); // position 2
    expect(res.status).toBe(200);
    expect(res.body.registration.status).toBe('cancelled');

    expect((await show(regs[0].token)).registration.status).toBe('confirmed');
    expect((await show(regs[1].token)).registration).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
    expect((await show(regs[3].token)).registration).toMatchObject({ status: 'waitlisted', waitlistPosition: 2 });
    expect((await show(regs[4].token)).registration).toMatchObject({ status: 'waitlisted', waitlistPosition: 3 });
    expect(await counters(cycle.id)).toEqual({ seats_taken: 1, waitlist_length: 3 });
  });

  it('of a confirmed registration with nobody waiting frees the seat', async () => {
    const { cycle, regs } = await filledCycle(3, 2);
    expect((await cancel(regs[1].token)).status).toBe(200);
    expect(await counters(cycle.id)).toEqual({ seats_taken: 1, waitlist_length: 0 });
    expect((await show(regs[0].token)).cycle).toMatchObject({ seatsLeft: 2, status: 'open' });
  });

  it('twice answers 409 already_cancelled and changes nothing', async () => {
    const { cycle, regs } = await filledCycle(1, 3);
    expect((await cancel(regs[0].token)).status).toBe(200);
    const before = await t.database.db.selectFrom('registrations').selectAll().where('cycle_id', '=', cycle.id).orderBy('seq').execute();

    const again = await cancel(regs[0].token);
    expectErrorShape(again.status, again.body, { status: 409, code: 'already_cancelled' });
    expect(again.body.message).toBe('Questa iscrizione è già stata annullata.');
    const en = await request(base, 'POST', `/api/registrations/${regs[0].token}/cancel`, undefined, { 'accept-language': 'en' });
    expect(en.body.message).toBe('This registration has already been cancelled.');

    const after = await t.database.db.selectFrom('registrations').selectAll().where('cycle_id', '=', cycle.id).orderBy('seq').execute();
    expect(after).toEqual(before);
    // The person promoted by the first cancel keeps the seat; the second in line still waits.
    expect((await show(regs[1].token)).registration.status).toBe('confirmed');
    expect((await show(regs[2].token)).registration).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
    // The cancelled registration is still visible through its link.
    expect((await show(regs[0].token)).registration.status).toBe('cancelled');
  });

  it('accepts an empty JSON body and a body with unknown fields (the body is not used)', async () => {
    const { regs } = await filledCycle(2, 2);
    const a = await fetch(`${base}/api/registrations/${regs[0].token}/cancel`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    expect(a.status).toBe(200);
    const b = await request(base, 'POST', `/api/registrations/${regs[1].token}/cancel`, { reason: 'x' });
    expect(b.status).toBe(200);
  });

  it('of the same token by ten concurrent requests: exactly one 200, the rest 409, one promotion', async () => {
    const { cycle, regs } = await filledCycle(1, 4);
    const results = await Promise.all(Array.from({ length: 10 }, () => cancel(regs[0].token)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array(9).fill(409)]);
    for (const r of results.filter((x) => x.status === 409)) expectErrorShape(r.status, r.body, { code: 'already_cancelled' });
    expect(await counters(cycle.id)).toEqual({ seats_taken: 1, waitlist_length: 2 });
    expect((await show(regs[1].token)).registration.status).toBe('confirmed');
    expect((await show(regs[2].token)).registration).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
  });

  it('of different confirmed people at once promotes each waiting person once, in order', async () => {
    const { cycle, regs } = await filledCycle(5, 12); // 5 confirmed, 7 waiting
    const results = await Promise.all(regs.slice(0, 5).map((r) => cancel(r.token)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await counters(cycle.id)).toEqual({ seats_taken: 5, waitlist_length: 2 });
    for (const r of regs.slice(5, 10)) expect((await show(r.token)).registration.status).toBe('confirmed');
    expect((await show(regs[10].token)).registration.waitlistPosition).toBe(1);
    expect((await show(regs[11].token)).registration.waitlistPosition).toBe(2);
  });

  it('is refused once the cycle has ended (the record of a past cycle stays as it was)', async () => {
    const { cycle } = await createCycle(t.database.db, { capacity: 5, sessionDays: [3] });
    const res = await request(base, 'POST', `/api/cycles/${cycle.slug}/registrations`, registrationBody());
    const token = tokenOf(res.body.registration);
    await t.database.db
      .updateTable('sessions')
      .set({ starts_at: new Date(Date.now() - 5 * 86_400_000), ends_at: new Date(Date.now() - 5 * 86_400_000 + 3_600_000) })
      .where('cycle_id', '=', cycle.id)
      .execute();
    const refused = await cancel(token);
    expectErrorShape(refused.status, refused.body, { status: 409, code: 'registration_closed' });
    expect((await show(token)).registration.status).toBe('confirmed');
  });
});

describe('tokens that do not belong to a registration', () => {
  let realToken: string;
  beforeAll(async () => {
    const { regs } = await filledCycle(5, 1);
    realToken = regs[0].token;
  });

  const shapes: [string, () => string][] = [
    ['unknown but well formed', () => 'A'.repeat(43)],
    ['a real token with one character changed', () => (realToken[0] === 'A' ? 'B' : 'A') + realToken.slice(1)],
    ['a real token cut short', () => realToken.slice(0, 42)],
    ['a real token with a character added', () => realToken + 'A'],
    ['a real token upper-cased', () => realToken.toUpperCase()],
    ['the hex SHA-256 stored in the database', () => hashToken(realToken).toString('hex')],
    ['the base64 SHA-256 stored in the database', () => hashToken(realToken).toString('base64url')],
    ['a uuid', () => '6f1c2a9e-2b0a-4c7e-9a51-0d3f5b7e8c21'],
    ['one character', () => 'x'],
    ['99 characters', () => 'a'.repeat(99)],
    ['101 characters', () => 'a'.repeat(101)],
    ['250 characters', () => 'b'.repeat(250)],
    ['5000 characters', () => 'c'.repeat(5000)],
    ['percent-encoded NUL', () => '%00'],
    ['percent-encoded slash and dots', () => '%2F..%2F..%2Fetc%2Fpasswd'],
    ['broken percent encoding', () => '%ZZ'],
    ['truncated percent encoding', () => 'abc%E2%80'],
    ['lone percent', () => '%'],
    ['encoded zero-width space', () => '%E2%80%8B'.repeat(5)],
    ['encoded emoji', () => encodeURIComponent('🎟️'.repeat(20))],
    ['SQL', () => encodeURIComponent("' OR 1=1 --")],
    ['encoded quote and angle brackets', () => encodeURIComponent('"><script>alert(1)</script>')],
    ['43 characters outside base64url', () => '+'.repeat(42) + '='],
    ['encoded newline', () => '%0A'.repeat(43)],
    ['double-encoded token', () => encodeURIComponent(encodeURIComponent(realToken + '/'))],
  ];

  for (const [label, make] of shapes) {
    it(`${label}: 404 on GET and on cancel`, async () => {
      const token = make();
      for (const [method, path] of [
        ['GET', `/api/registrations/${token}`],
        ['POST', `/api/registrations/${token}/cancel`],
      ] as const) {
        const res = await request(base, method, path);
        expectErrorShape(res.status, res.body, { status: 404, code: 'not_found' });
      }
    });
  }

  it('the real token still works after all that (nothing was cancelled by a wrong token)', async () => {
    expect((await show(realToken)).registration.status).toBe('confirmed');
  });
});
