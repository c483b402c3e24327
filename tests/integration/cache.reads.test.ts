// The public reads come from a cache (modules/cache): a write made through this process is in the very
// next GET of the catalogue and of the cycle, whatever the cache's TTL (this app keeps entries for an
// hour, so only the invalidation can explain a fresh answer); the status that depends on the time stays
// right because entries live at most the TTL; the JSON carries an ETag and answers 304.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { assign, signedIn, type Session } from '../helpers/auth.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';

const HOUR = 3_600_000;
let t: TestApp;
let org: Session;
beforeAll(async () => {
  t = await buildTestApp({ readCacheTtlMs: HOUR });
  org = await signedIn(t.app, t.database.db, 'organiser');
});
afterAll(async () => t?.close());

/** Rows written by the test's own connection reach the app by notification: wait until it has them. */
const created = async (spec: Parameters<typeof createCycle>[1] = {}) => {
  const made = await createCycle(t.database.db, spec);
  await t.app.cacheListener.sync();
  return made;
};
const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });
const catalogueEntry = async (slug: string) => (await get('/api/cycles?when=all')).json().items.find((c: { slug: string }) => c.slug === slug);

describe('a write through this process is read back at once', () => {
  it('a sign-up moves the seat counts of the catalogue and of the cycle', async () => {
    const { cycle } = await created({ capacity: 2 });
    expect((await catalogueEntry(cycle.slug)).seatsTaken).toBe(0);
    expect((await get(`/api/cycles/${cycle.slug}`)).json().seatsTaken).toBe(0);

    const res = await t.app.inject({ method: 'POST', url: `/api/cycles/${cycle.slug}/registrations`, payload: registrationBody() });
    expect(res.statusCode, res.body).toBe(201);

    expect(await catalogueEntry(cycle.slug)).toMatchObject({ seatsTaken: 1, seatsLeft: 1, status: 'open' });
    expect((await get(`/api/cycles/${cycle.slug}`)).json()).toMatchObject({ seatsTaken: 1, seatsLeft: 1 });

    await t.app.inject({ method: 'POST', url: `/api/cycles/${cycle.slug}/registrations`, payload: registrationBody() });
    expect(await catalogueEntry(cycle.slug)).toMatchObject({ seatsTaken: 2, seatsLeft: 0, status: 'full' });
  });

  it("an organiser's edit of the cycle and of a session", async () => {
    const { cycle, sessions } = await created();
    await assign(t.database.db, cycle.id, org.account.id);
    expect((await get(`/api/cycles/${cycle.slug}`)).json().title).toBe(cycle.title);
    expect((await catalogueEntry(cycle.slug)).title).toBe(cycle.title);

    const edit = await t.app.inject({ method: 'PATCH', url: `/api/admin/cycles/${cycle.id}`, headers: org.headers, payload: { title: 'Welfare di comunità' } });
    expect(edit.statusCode, edit.body).toBe(200);
    expect((await get(`/api/cycles/${cycle.slug}`)).json().title).toBe('Welfare di comunità');
    expect((await catalogueEntry(cycle.slug)).title).toBe('Welfare di comunità');

    const moved = await t.app.inject({
      method: 'PATCH',
      url: `/api/admin/sessions/${sessions[0]!.id}`,
      headers: org.headers,
      payload: { location: 'Bergamo, Piazza Vecchia 1' },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const detail = (await get(`/api/cycles/${cycle.slug}`)).json();
    expect(detail.sessions.find((s: { id: string }) => s.id === sessions[0]!.id).location).toBe('Bergamo, Piazza Vecchia 1');
  });

  it('a publication: the draft appears in the catalogue and its page stops answering 404', async () => {
    // Publishable: meetings (the factory's) and a registration deadline.
    const { cycle } = await created({ published: false, registrationClosesAt: new Date(Date.now() + 5 * 86_400_000) });
    await assign(t.database.db, cycle.id, org.account.id);
    expect(await catalogueEntry(cycle.slug)).toBeUndefined();
    expect((await get(`/api/cycles/${cycle.slug}`)).statusCode).toBe(404);

    const res = await t.app.inject({ method: 'PATCH', url: `/api/admin/cycles/${cycle.id}`, headers: org.headers, payload: { publication: 'published' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(await catalogueEntry(cycle.slug)).toMatchObject({ slug: cycle.slug });
    expect((await get(`/api/cycles/${cycle.slug}`)).statusCode).toBe(200);
  });

  it('a write made by calling a service (no HTTP request) is read back at once too', async () => {
    const { cycle, sessions } = await created();
    expect((await get(`/api/cycles/${cycle.slug}`)).json().sessions[1].status).toBe('scheduled');
    await t.app.services.sessions.changeSession(sessions[1]!.id, { status: 'cancelled' });
    expect((await get(`/api/cycles/${cycle.slug}`)).json().sessions[1].status).toBe('cancelled');
  });

  it('the public feeds follow a session change at once', async () => {
    const { cycle, sessions } = await created();
    expect((await get(`/ical/cycles/${cycle.slug}.ics`)).body).not.toContain('Lecco');
    expect((await get('/ical/catalogue.ics')).body).not.toContain('Lecco');
    await t.app.services.sessions.changeSession(sessions[0]!.id, { location: 'Lecco, Piazza Cermenati' });
    expect((await get(`/ical/cycles/${cycle.slug}.ics`)).body).toContain('Lecco');
    expect((await get('/ical/catalogue.ics')).body).toContain('Lecco');
  });
});

describe('ETag and 304 on the JSON', () => {
  it('answers 304 to a current If-None-Match, 200 with a new ETag after a change', async () => {
    const { cycle } = await created();
    for (const url of ['/api/cycles?when=all', `/api/cycles/${cycle.slug}`]) {
      const first = await get(url);
      const etag = first.headers.etag as string;
      expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
      expect(first.headers['cache-control']).toBe('public, no-cache');
      expect(first.headers.vary).toMatch(/accept-language/);

      const again = await get(url, { 'if-none-match': etag });
      expect(again.statusCode).toBe(304);
      expect(again.body).toBe('');
      expect(again.headers.etag).toBe(etag);
      expect((await get(url, { 'if-none-match': `"other", W/${etag}` })).statusCode).toBe(304);
      expect((await get(url, { 'if-none-match': '"other"' })).statusCode).toBe(200);
      // Another language is another representation.
      const en = await get(url, { 'accept-language': 'en', 'if-none-match': etag });
      expect(en.statusCode).toBe(200);
      expect(en.headers.etag).not.toBe(etag);
    }

    const before = (await get(`/api/cycles/${cycle.slug}`)).headers.etag as string;
    await t.app.inject({ method: 'POST', url: `/api/cycles/${cycle.slug}/registrations`, payload: registrationBody() });
    const after = await get(`/api/cycles/${cycle.slug}`, { 'if-none-match': before });
    expect(after.statusCode).toBe(200);
    expect(after.headers.etag).not.toBe(before);
    expect(after.json().seatsTaken).toBe(1);
  });

  it('sends exactly the bytes the response schema allows, as before the cache', async () => {
    const { cycle } = await created();
    const res = await get(`/api/cycles/${cycle.slug}`);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(
      [
        'attendanceThreshold',
        'audience',
        'calendar',
        'capacity',
        'contact',
        'credits',
        'description',
        'endsAt',
        'format',
        'id',
        'kind',
        'location',
        'materials',
        'registrationClosesAt',
        'registrationOpensAt',
        'seatsLeft',
        'seatsTaken',
        'sessions',
        'slug',
        'startsAt',
        'status',
        'summary',
        'theme',
        'title',
        'waitlistEnabled',
        'waitlistLength',
      ].sort(),
    );
    expect(res.body).toBe(JSON.stringify(body));
  });
});

describe('status that depends on the time', () => {
  it('turns from upcoming to open when the window opens, with nothing written (entries live ≤ 1 s of the app clock)', async () => {
    let now = new Date();
    const timed = await buildTestApp({ database: t.database, clock: () => now });
    try {
      const { cycle } = await created({ registrationOpensAt: new Date(now.getTime() + HOUR) });
      const status = async () => (await timed.app.inject({ url: `/api/cycles/${cycle.slug}` })).json().status;
      expect(await status()).toBe('upcoming');
      now = new Date(now.getTime() + 500);
      expect(await status()).toBe('upcoming');
      now = new Date(now.getTime() + 2 * HOUR);
      expect(await status()).toBe('open');
    } finally {
      await timed.close();
    }
  });
});
