// Writing to everyone registered for a cycle through the organiser API (the mail module does the
// sending and its idempotency; this checks the route, its access rule and the mail log).
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

describe('POST /api/admin/cycles/:id/messages', () => {
  it('queues one message per registration of the chosen statuses, once per messageId', async () => {
    const { cycle } = await createCycle(t.database.db, { capacity: 2 });
    await assign(t.database.db, cycle.id, org.account.id);
    for (let i = 0; i < 3; i++) {
      const res = await t.app.inject({ method: 'POST', url: `/api/cycles/${cycle.slug}/registrations`, payload: registrationBody() });
      expect(res.statusCode).toBe(201);
    }
    const messageId = crypto.randomUUID();
    const body = { subject: 'Cambio di aula', body: 'L’incontro si terrà in aula 3.', messageId };
    const send = await t.app.inject({ method: 'POST', url: `/api/admin/cycles/${cycle.id}/messages`, headers: org.headers, payload: body });
    expect(send.statusCode, send.body).toBe(202);
    expect(send.json()).toEqual({ messageId, recipients: 2, duplicate: false });
    const again = await t.app.inject({ method: 'POST', url: `/api/admin/cycles/${cycle.id}/messages`, headers: org.headers, payload: body });
    expect(again.json()).toEqual({ messageId, recipients: 2, duplicate: true });
    const all = await t.app.inject({
      method: 'POST',
      url: `/api/admin/cycles/${cycle.id}/messages`,
      headers: org.headers,
      payload: { ...body, messageId: crypto.randomUUID(), statuses: ['confirmed', 'waitlisted'] },
    });
    expect(all.json().recipients).toBe(3);
    const bad = await t.app.inject({ method: 'POST', url: `/api/admin/cycles/${cycle.id}/messages`, headers: org.headers, payload: { subject: '' } });
    expectErrorShape(bad.statusCode, bad.json(), { status: 400, code: 'validation_error' });

    const log = await t.app.inject({ method: 'GET', url: `/api/admin/cycles/${cycle.id}/mail-log`, headers: { cookie: org.cookie } });
    expect(log.statusCode, log.body).toBe(200);
    expect(Array.isArray(log.json().items)).toBe(true);
  });
});
