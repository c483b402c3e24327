// Roster marks and QR check-in by the organiser, the QR image for participants (an opaque token, no
// personal data), and the attendance percentage over the sessions held (not cancelled, already started).
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { assign, signedIn, type Session } from '../helpers/auth.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';
import { expectErrorShape, tokenOf } from '../helpers/http.ts';
import { decodeQr } from '../helpers/qr.ts';

const DAY = 86_400_000;
let t: TestApp;
let org: Session;
beforeAll(async () => {
  t = await buildTestApp();
  org = await signedIn(t.app, t.database.db, 'organiser');
});
afterAll(async () => t?.close());

/** Our cycle; sessions moved to the given day offsets after sign-up (negative: held). */
async function setUp(days: number[], people = 2, capacity = 10) {
  const { cycle, sessions } = await createCycle(t.database.db, { capacity, sessionDays: days.map((_, i) => 30 + i) });
  await assign(t.database.db, cycle.id, org.account.id);
  const regs = [];
  for (let i = 0; i < people; i++) {
    const body = registrationBody({ firstName: `Nome${i}`, lastName: `Cognome${i}` });
    const res = await t.app.inject({ method: 'POST', url: `/api/cycles/${cycle.slug}/registrations`, payload: body });
    regs.push({ id: res.json().registration.id as string, token: tokenOf(res.json().registration), email: body.email, status: res.json().registration.status });
  }
  for (const [i, d] of days.entries()) {
    const start = new Date(Date.now() + d * DAY);
    await t.database.db
      .updateTable('sessions')
      .set({ starts_at: start, ends_at: new Date(start.getTime() + 3 * 3_600_000) })
      .where('id', '=', sessions[i]!.id)
      .execute();
  }
  return { cycle, sessionIds: sessions.map((s) => s.id), regs };
}

const mark = (sessionId: string, registrationId: string, present: boolean) =>
  t.app.inject({ method: 'PUT', url: `/api/admin/sessions/${sessionId}/attendance/${registrationId}`, headers: org.headers, payload: { present } });
const roster = async (sessionId: string) =>
  (await t.app.inject({ method: 'GET', url: `/api/admin/sessions/${sessionId}/attendance`, headers: { cookie: org.cookie } })).json();
const scan = (sessionId: string, qr: string) =>
  t.app.inject({ method: 'POST', url: `/api/admin/sessions/${sessionId}/check-in/qr`, headers: org.headers, payload: { qr } });

describe('roster', () => {
  it('keeps one record per registration per session, and the last mark wins', async () => {
    const { sessionIds, regs } = await setUp([0], 2);
    const first = await mark(sessionIds[0]!, regs[0]!.id, true);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ registrationId: regs[0]!.id, sessionId: sessionIds[0], present: true, method: 'roster' });
    expect((await mark(sessionIds[0]!, regs[0]!.id, false)).json().present).toBe(false);
    expect((await mark(sessionIds[0]!, regs[0]!.id, true)).statusCode).toBe(200);
    const rows = await t.database.db.selectFrom('attendance').selectAll().where('registration_id', '=', regs[0]!.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ present: true, marked_by: org.account.id });

    const r = await roster(sessionIds[0]!);
    expect(r.counts).toEqual({ present: 1, absent: 0, unmarked: 1 });
    expect(r.items.map((i: { registrationId: string; present: boolean | null }) => [i.registrationId, i.present])).toEqual([
      [regs[0]!.id, true],
      [regs[1]!.id, null],
    ]);
  });

  it('refuses to mark present someone without a seat, and any mark at a cancelled session', async () => {
    const { sessionIds, regs } = await setUp([0, 7], 2, 1);
    const waitlisted = await mark(sessionIds[0]!, regs[1]!.id, true);
    expectErrorShape(waitlisted.statusCode, waitlisted.json(), { status: 409, code: 'not_confirmed' });
    await t.database.db.updateTable('sessions').set({ status: 'cancelled' }).where('id', '=', sessionIds[1]!).execute();
    const cancelled = await mark(sessionIds[1]!, regs[0]!.id, true);
    expectErrorShape(cancelled.statusCode, cancelled.json(), { status: 409, code: 'session_cancelled' });
    const body = await t.app.inject({
      method: 'PUT',
      url: `/api/admin/sessions/${sessionIds[0]}/attendance/${regs[0]!.id}`,
      headers: org.headers,
      payload: { present: 'yes' },
    });
    expectErrorShape(body.statusCode, body.json(), { status: 400, code: 'validation_error' });
  });
});

describe('QR', () => {
  it('serves the participant’s QR as SVG and PNG; it encodes the address of an opaque code, not personal data', async () => {
    const { regs } = await setUp([0], 1);
    const svg = await t.app.inject({ method: 'GET', url: `/api/registrations/${regs[0]!.token}/qr` });
    expect(svg.statusCode).toBe(200);
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(svg.headers['cache-control']).toBe('private, no-store');
    const payload = t.app.services.attendance.qrPayload(regs[0]!.id, 1);
    // A phone's camera app opens it: the check-in code on PUBLIC_URL (pagePath.checkInPass).
    expect(payload).toBe(`${t.config.publicUrl}/qr/${t.app.services.attendance.bareQrPayload(regs[0]!.id, 1)}`);
    expect(t.app.services.attendance.bareQrPayload(regs[0]!.id, 1)).toMatch(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    expect(payload).not.toContain(regs[0]!.email);
    expect(payload).not.toContain('Nome0');
    expect(payload).not.toContain(regs[0]!.token);
    // The image is exactly the QR of that payload.
    expect(svg.body).toBe(await QRCode.toString(payload, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }));
    const png = await t.app.inject({ method: 'GET', url: `/api/registrations/${regs[0]!.token}/qr?format=png` });
    expect(png.headers['content-type']).toBe('image/png');
    expect(await decodeQr(png.rawPayload)).toEqual([payload]);
    expect((await t.app.inject({ method: 'GET', url: `/api/registrations/${'x'.repeat(43)}/qr` })).statusCode).toBe(404);
  });

  it('checks in the person whose QR is scanned; a second scan says so', async () => {
    const { sessionIds, regs } = await setUp([0], 1);
    const qr = t.app.services.attendance.qrPayload(regs[0]!.id, 1);
    const res = await scan(sessionIds[0]!, qr);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      registration: { id: regs[0]!.id, firstName: 'Nome0', lastName: 'Cognome0', organisation: 'Comune di Bergamo' },
      present: true,
      alreadyPresent: false,
    });
    expect((await scan(sessionIds[0]!, qr)).json().alreadyPresent).toBe(true);
    const row = await t.database.db.selectFrom('attendance').selectAll().where('registration_id', '=', regs[0]!.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ method: 'qr', present: true, marked_by: org.account.id });
  });

  it('accepts the bare code that QRs made before the address form carry, and the address on another host', async () => {
    const { sessionIds, regs } = await setUp([0, -1], 1);
    const bare = t.app.services.attendance.bareQrPayload(regs[0]!.id, 1);
    const res = await scan(sessionIds[0]!, bare);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().registration.id).toBe(regs[0]!.id);
    // A site that moved keeps its printed QRs; the English page's address is the same code.
    const moved = await scan(sessionIds[1]!, `https://formazione.example.org/en/qr/${bare}`);
    expect(moved.statusCode, moved.body).toBe(200);
  });

  it('refuses forged, malformed and rotated QR codes (400 invalid_qr) and another cycle’s (409 other_cycle)', async () => {
    const { sessionIds, regs } = await setUp([0], 1);
    const elsewhere = await setUp([0], 1);
    const qr = t.app.services.attendance.qrPayload(regs[0]!.id, 1);
    const bare = t.app.services.attendance.bareQrPayload(regs[0]!.id, 1);
    const forged = `${qr.slice(0, -1)}${qr.endsWith('A') ? 'B' : 'A'}`;
    const [id, mac] = bare.split('.') as [string, string];
    const elsewhereUrl = `${t.config.publicUrl}/cicli/${bare}`;
    for (const bad of [forged, 'hello', `${crypto.randomUUID()}.${mac}`, id, qr.replace(id, crypto.randomUUID()), elsewhereUrl, `${qr}/x`, '']) {
      const res = await scan(sessionIds[0]!, bad);
      expectErrorShape(res.statusCode, res.json(), { status: 400, code: 'invalid_qr' });
    }
    const other = await scan(sessionIds[0]!, t.app.services.attendance.qrPayload(elsewhere.regs[0]!.id, 1));
    expectErrorShape(other.statusCode, other.json(), { status: 409, code: 'other_cycle' });
    expect(other.body).not.toContain('Nome0');
    // Rotating the manage link rotates the QR too.
    await t.database.db.updateTable('registrations').set({ token_version: 2 }).where('id', '=', regs[0]!.id).execute();
    expect((await scan(sessionIds[0]!, qr)).statusCode).toBe(400);
    expect((await scan(sessionIds[0]!, t.app.services.attendance.qrPayload(regs[0]!.id, 2))).statusCode).toBe(200);
  });
});

describe('attendance percentage', () => {
  it('counts only the sessions held: not cancelled, already started', async () => {
    // Two held, one cancelled in the past, one in the future.
    const { cycle, sessionIds, regs } = await setUp([-21, -14, -7, 7], 3);
    const [held1, held2, cancelled, future] = sessionIds as [string, string, string, string];
    await t.database.db.updateTable('sessions').set({ status: 'cancelled' }).where('id', '=', cancelled).execute();
    expect((await mark(held1, regs[0]!.id, true)).statusCode).toBe(200);
    expect((await mark(held2, regs[0]!.id, false)).statusCode).toBe(200);
    expect((await mark(held1, regs[1]!.id, true)).statusCode).toBe(200);
    expect((await mark(held2, regs[1]!.id, true)).statusCode).toBe(200);
    // Marks on the cancelled and the future session (written directly: the API refuses the first)
    // must not count.
    await t.database.db
      .insertInto('attendance')
      .values([
        { registration_id: regs[0]!.id, session_id: cancelled, present: true, method: 'roster', marked_at: new Date() },
        { registration_id: regs[0]!.id, session_id: future, present: true, method: 'roster', marked_at: new Date() },
      ])
      .execute();
    const items = (await t.app.inject({ method: 'GET', url: `/api/admin/cycles/${cycle.id}/registrations`, headers: { cookie: org.cookie } })).json().items;
    const by = (id: string) => items.find((r: { id: string }) => r.id === id).attendance;
    expect(by(regs[0]!.id)).toMatchObject({ held: 2, attended: 1, percent: 50 });
    expect(by(regs[1]!.id)).toMatchObject({ held: 2, attended: 2, percent: 100 });
    expect(by(regs[2]!.id)).toEqual({ held: 2, attended: 0, percent: 0, sessions: [] });
    expect(by(regs[0]!.id).sessions).toEqual(
      expect.arrayContaining([
        { sessionId: held1, present: true },
        { sessionId: held2, present: false },
      ]),
    );
  });
});
