// Finding 9 (part) of the security issue: a participant whose manage link leaked (a forwarded mail, a
// shared screen) can replace it, as the calendar link already can. The attack is using the old link
// after the rotation, on every route that takes it: each answers 404, as for a token that never
// existed; the check-in QR changes with it. The "my registration" page offers the rotation as a plain
// form (the page ships no JavaScript). Needs the built pages (`npm run build`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { assign, signedIn, type Session } from '../helpers/auth.ts';
import { freePort } from '../helpers/server-process.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';

let t: TestApp;
let base: string;
let cycleId: string;
let sessionId: string;
let materialId: string;
let organiser: Session;

interface Person {
  id: string;
  token: string;
}

const tokenOf = (manageUrl: string) => new URL(manageUrl).pathname.split('/').pop()!;

async function signUp(slug: string): Promise<Person> {
  const res = await t.app.inject({ method: 'POST', url: `/api/cycles/${slug}/registrations`, payload: registrationBody() });
  expect(res.statusCode, res.body).toBe(201);
  const r = res.json().registration;
  return { id: r.id, token: tokenOf(r.manageUrl) };
}

/** Every route that takes a manage token, with a request that would succeed (or fail for another reason) with a live one. */
function tokenRoutes(token: string) {
  const r = `/api/registrations/${token}`;
  return [
    { method: 'GET', url: r },
    { method: 'GET', url: `${r}/qr` },
    { method: 'GET', url: `${r}/qr?format=png` },
    { method: 'GET', url: `${r}/certificate` },
    { method: 'GET', url: `${r}/personal-data` },
    { method: 'GET', url: `${r}/materials/${materialId}/download` },
    { method: 'POST', url: `${r}/calendar-token` },
    { method: 'POST', url: `${r}/manage-token` },
    { method: 'POST', url: `${r}/cancel` },
    { method: 'DELETE', url: `${r}/personal-data` },
    { method: 'POST', url: `/api/sessions/${sessionId}/check-in`, payload: { token, code: '000000' } },
  ] as const;
}

const qrScan = (qr: string) =>
  t.app.inject({ method: 'POST', url: `/api/admin/sessions/${sessionId}/check-in/qr`, headers: organiser.headers, payload: { qr } });

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await buildTestApp({ web: true, env: { PUBLIC_URL: base } });
  await t.app.listen({ port, host: '127.0.0.1' });
  const { cycle, sessions } = await createCycle(t.database.db, { title: 'Coprogettazione' });
  cycleId = cycle.id;
  sessionId = sessions[0]!.id;
  const material = await t.database.db
    .insertInto('materials')
    .values({ cycle_id: cycle.id, session_id: null, title: 'Slide', kind: 'link', visibility: 'registered', url: 'https://example.org/slide' })
    .returning('id')
    .executeTakeFirstOrThrow();
  materialId = material.id;
  organiser = await signedIn(t.app, t.database.db);
  await assign(t.database.db, cycle.id, organiser.account.id);
}, 60_000);

afterAll(async () => t?.close());

describe('POST /api/registrations/:token/manage-token', () => {
  it('gives a new link that works, and the old one answers 404 on every route that takes a manage token', async () => {
    const { cycle } = { cycle: await t.database.db.selectFrom('cycles').select('slug').where('id', '=', cycleId).executeTakeFirstOrThrow() };
    const person = await signUp(cycle.slug);
    const oldQr = t.app.services.attendance.qrPayload(person.id, 1);
    const oldQrSvg = (await t.app.inject({ url: `/api/registrations/${person.token}/qr` })).body;

    // Before: the old token is alive on each route (anything but a 404).
    for (const req of tokenRoutes(person.token).filter((r) => r.method === 'GET')) {
      const res = await t.app.inject(req);
      expect(res.statusCode, `${req.method} ${req.url}`).not.toBe(404);
    }

    const res = await t.app.inject({ method: 'POST', url: `/api/registrations/${person.token}/manage-token` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
    const body = res.json();
    expect(Object.keys(body)).toEqual(['manageUrl']);
    expect(body.manageUrl).toMatch(new RegExp(`^${base}/iscrizione/[A-Za-z0-9_-]{43}$`));
    const fresh = tokenOf(body.manageUrl);
    expect(fresh).not.toBe(person.token);

    // The old link: 404 everywhere, with the contract's body, like a token that never existed.
    for (const req of tokenRoutes(person.token)) {
      const old = await t.app.inject(req);
      expect(old.statusCode, `${req.method} ${req.url}`).toBe(404);
      expect(old.json().statusCode).toBe(404);
    }
    // The old QR (same version as the old link) is refused at the door; the new one is accepted.
    expect((await qrScan(oldQr)).json().code).toBe('invalid_qr');

    // The new link: the same registration, still confirmed, nothing cancelled or erased by the attempts above.
    const shown = await t.app.inject({ url: `/api/registrations/${fresh}` });
    expect(shown.statusCode).toBe(200);
    expect(shown.json().registration).toMatchObject({ id: person.id, status: 'confirmed', manageUrl: body.manageUrl });
    const newQrSvg = (await t.app.inject({ url: `/api/registrations/${fresh}/qr` })).body;
    expect(newQrSvg).toMatch(/<svg/);
    expect(newQrSvg).not.toBe(oldQrSvg);
    // Scanned at the door while the meeting is under way (presence is marked only from its check-in
    // window); then the meeting goes back to its day, for the tests below that sign people up.
    const planned = await t.database.db.selectFrom('sessions').select(['starts_at', 'ends_at']).where('id', '=', sessionId).executeTakeFirstOrThrow();
    const moveTo = (times: { starts_at: Date; ends_at: Date }) => t.database.db.updateTable('sessions').set(times).where('id', '=', sessionId).execute();
    await moveTo({ starts_at: new Date(Date.now() - 60_000), ends_at: new Date(Date.now() + 3_600_000) });
    const scanned = await qrScan(t.app.services.attendance.qrPayload(person.id, 2));
    await moveTo(planned);
    expect(scanned.statusCode, scanned.body).toBe(200);
    expect((await t.app.inject({ url: `/api/registrations/${fresh}/personal-data` })).statusCode).toBe(200);
  });

  it('answers 404 for unknown and malformed tokens, and a token rotates only once', async () => {
    const cycle = await t.database.db.selectFrom('cycles').select('slug').where('id', '=', cycleId).executeTakeFirstOrThrow();
    for (const bad of ['x', 'A'.repeat(43), 'A'.repeat(44)]) {
      const res = await t.app.inject({ method: 'POST', url: `/api/registrations/${bad}/manage-token` });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'not_found', message: expect.stringMatching(/^Iscrizione non trovata/) });
    }
    // Two rotations with the same token at once: one wins, the other finds nothing.
    const person = await signUp(cycle.slug);
    const both = await Promise.all([0, 1].map(() => t.app.inject({ method: 'POST', url: `/api/registrations/${person.token}/manage-token` })));
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 404]);
  });
});

describe('"my registration" page', () => {
  it('offers the rotation, then shows the new address and asks to bookmark it; the old page is gone', async () => {
    const cycle = await t.database.db.selectFrom('cycles').select('slug').where('id', '=', cycleId).executeTakeFirstOrThrow();
    const person = await signUp(cycle.slug);
    const page = await fetch(`${base}/iscrizione/${person.token}`);
    const html = await page.text();
    expect(html).toContain('Cambia il link di gestione');
    expect(html).toMatch(/<form[^>]+method="post"[^>]+action="\?\/link"/);

    const posted = await fetch(`${base}/iscrizione/${person.token}?/link`, {
      method: 'POST',
      // As a browser without JavaScript sends it (SvelteKit answers JSON to `accept: */*`).
      headers: { origin: base, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
      redirect: 'manual',
    });
    expect(posted.status).toBe(303);
    const location = posted.headers.get('location')!;
    expect(location).toMatch(/^\/iscrizione\/[A-Za-z0-9_-]{43}\?nuovo-link=1$/);
    const fresh = location.split('/').pop()!.split('?')[0]!;
    expect(fresh).not.toBe(person.token);

    const after = await fetch(`${base}${location}`);
    expect(after.status).toBe(200);
    const text = await after.text();
    expect(text).toContain('id="link-changed"');
    expect(text).toContain(`${base}/iscrizione/${fresh}`);
    expect(text).toMatch(/preferiti/);
    expect((await fetch(`${base}/iscrizione/${person.token}`)).status).toBe(404);

    // English: the same, under /en.
    const en = await fetch(`${base}/en/iscrizione/${fresh}`);
    expect(await en.text()).toContain('Change the link to this page');
  });
});
