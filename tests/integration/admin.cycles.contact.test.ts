// Issue 15: a cycle's contact through the organiser API (validated whole, naming the field), and where
// it shows: the cycle, the catalogue, "my registration" and the certificate check.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { signedIn, type Session } from '../helpers/auth.ts';
import { createTheme, registrationBody } from '../helpers/factories.ts';
import { expectErrorShape } from '../helpers/http.ts';

let t: TestApp;
let org: Session;
let themeSlug: string;
beforeAll(async () => {
  t = await buildTestApp();
  org = await signedIn(t.app, t.database.db, 'organiser');
  themeSlug = (await createTheme(t.database.db)).slug;
});
afterAll(async () => t?.close());

const send = (method: 'POST' | 'PATCH', url: string, payload: object) => t.app.inject({ method, url, headers: org.headers, payload });
const draft = (over: Record<string, unknown> = {}) => ({ title: 'Welfare di comunità', themeSlug, format: 'in_person', capacity: 20, ...over });
const fieldsOf = (res: { json: () => { fields?: { field: string }[] } }) => (res.json().fields ?? []).map((f) => f.field);

describe('the contact of a cycle in the organiser API', () => {
  it('refuses half a contact or a malformed one with 400 naming the field', async () => {
    const nameOnly = await send('POST', '/api/admin/cycles', draft({ contactName: 'Marta Colombo' }));
    expectErrorShape(nameOnly.statusCode, nameOnly.json(), { status: 400, code: 'validation_error' });
    expect(fieldsOf(nameOnly)).toEqual(['contactEmail']);

    const created = await send('POST', '/api/admin/cycles', draft());
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    const badEmail = await send('PATCH', `/api/admin/cycles/${id}`, { contactName: 'Marta Colombo', contactEmail: 'marta.colombo' });
    expectErrorShape(badEmail.statusCode, badEmail.json(), { status: 400, code: 'validation_error' });
    expect(fieldsOf(badEmail)).toEqual(['contactEmail']);
    expect(badEmail.json().message).toContain('contactEmail');

    const badPhone = await send('PATCH', `/api/admin/cycles/${id}`, { contactName: 'Marta', contactEmail: 'm@comune.example.it', contactPhone: 'chiamami' });
    expectErrorShape(badPhone.statusCode, badPhone.json(), { status: 400, code: 'validation_error' });
    expect(fieldsOf(badPhone)).toEqual(['contactPhone']);

    const emailOnly = await send('PATCH', `/api/admin/cycles/${id}`, { contactEmail: 'm@comune.example.it' });
    expectErrorShape(emailOnly.statusCode, emailOnly.json(), { status: 400, code: 'validation_error' });
    expect(fieldsOf(emailOnly)).toEqual(['contactName']);
    // Nothing was written by the refused requests.
    expect((await t.app.inject({ method: 'GET', url: `/api/admin/cycles/${id}`, headers: { cookie: org.cookie } })).json().contact).toBeNull();
  });

  it('stores the contact whole, shows it on the public cycle, the catalogue and "my registration", and clears it', async () => {
    const created = await send(
      'POST',
      '/api/admin/cycles',
      draft({ contactName: ' Marta Colombo ', contactEmail: 'Marta.Colombo@Comune.example.it', contactPhone: '02 1234 5678' }),
    );
    expect(created.statusCode).toBe(201);
    const cycle = created.json();
    const contact = { name: 'Marta Colombo', email: 'marta.colombo@comune.example.it', phone: '02 1234 5678' };
    expect(cycle.contact).toEqual(contact);
    expect(cycle.contactInherited).toBe(false);

    const session = await send('POST', `/api/admin/cycles/${cycle.id}/sessions`, {
      title: 'Primo incontro',
      startsAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      endsAt: new Date(Date.now() + 7 * 86_400_000 + 3 * 3_600_000).toISOString(),
    });
    expect(session.statusCode).toBe(201);
    // Publishing needs a meeting (above) and a registration deadline.
    const published = await send('PATCH', `/api/admin/cycles/${cycle.id}`, {
      publication: 'published',
      registrationClosesAt: new Date(Date.now() + 6 * 86_400_000).toISOString(),
    });
    expect(published.statusCode, published.body).toBe(200);

    const view = await t.app.inject({ method: 'GET', url: `/api/cycles/${cycle.slug}` });
    expect(view.json().contact).toEqual(contact);
    const catalogue = await t.app.inject({ method: 'GET', url: '/api/cycles' });
    expect(catalogue.json().items.find((c: { id: string }) => c.id === cycle.id).contact).toEqual(contact);
    const reg = await t.app.inject({ method: 'POST', url: `/api/cycles/${cycle.slug}/registrations`, payload: registrationBody() });
    expect(reg.statusCode).toBe(201);
    const token = new URL(reg.json().registration.manageUrl).pathname.split('/').pop();
    const mine = await t.app.inject({ method: 'GET', url: `/api/registrations/${token}` });
    expect(mine.json().cycle.contact).toEqual(contact);

    // A phone alone may be dropped; null name and address clear the whole contact (no programme contact here).
    const noPhone = await send('PATCH', `/api/admin/cycles/${cycle.id}`, { contactName: 'Marta Colombo', contactEmail: contact.email, contactPhone: null });
    expect(noPhone.json().contact).toEqual({ ...contact, phone: null });
    const cleared = await send('PATCH', `/api/admin/cycles/${cycle.id}`, { contactName: null, contactEmail: null });
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json().contact).toBeNull();
    expect(cleared.json().contactInherited).toBe(false);
  });
});
