import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';

describe('registration round trip', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => t?.close());

  it('registers, shows and cancels through the token', async () => {
    const { cycle } = await createCycle(t.database.db, { capacity: 1 });
    const first = await t.app.inject({ method: 'POST', url: `/api/cycles/${cycle.slug}/registrations`, payload: registrationBody() });
    expect(first.statusCode).toBe(201);
    expect(first.json().registration.status).toBe('confirmed');
    const second = await t.app.inject({ method: 'POST', url: `/api/cycles/${cycle.slug}/registrations`, payload: registrationBody() });
    expect(second.json().registration).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });

    const token = new URL(first.json().registration.manageUrl).pathname.split('/').pop()!;
    const shown = await t.app.inject({ url: `/api/registrations/${token}` });
    expect(shown.statusCode).toBe(200);
    expect(shown.json().cycle.slug).toBe(cycle.slug);

    const cancelled = await t.app.inject({ method: 'POST', url: `/api/registrations/${token}/cancel` });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json().registration.status).toBe('cancelled');

    const token2 = new URL(second.json().registration.manageUrl).pathname.split('/').pop()!;
    const promoted = await t.app.inject({ url: `/api/registrations/${token2}` });
    expect(promoted.json().registration).toMatchObject({ status: 'confirmed', waitlistPosition: null });
  });
});
