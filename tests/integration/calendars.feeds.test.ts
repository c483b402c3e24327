// The feeds over HTTP against the real app and database: every feed is read by two parsers and its
// instants compared with what the API says; updates, cancellations, caching and the private feed's
// token. Also run under TZ=America/New_York by calendars.timezone.test.ts.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionUid } from '../../server/modules/calendars/calendars.ics.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { sql } from 'kysely';
import { createCycle as createAnyCycle, createTheme, registrationBody, type CycleSpec } from '../helpers/factories.ts';
import { contentLines, eventLines, parseAgreeing, type ParsedCalendar } from './calendars.parsers.ts';

const PUBLIC_URL = 'http://officina.test';
const DAY = 86_400_000;

interface ApiSession {
  id: string;
  title: string;
  startsAt: string;
  endsAt: string;
  status: 'scheduled' | 'cancelled';
}

let t: TestApp;

/**
 * The factory's sessions start at "now + n days", with milliseconds; iCalendar carries whole seconds
 * (and organisers set whole minutes), so the times are cut to the minute for exact comparisons.
 */
async function createCycle(db: TestApp['database']['db'], spec: CycleSpec = {}) {
  const made = await createAnyCycle(db, spec);
  const sessions = await db
    .updateTable('sessions')
    .set({ starts_at: sql`date_trunc('minute', starts_at)`, ends_at: sql`date_trunc('minute', ends_at)` })
    .where('cycle_id', '=', made.cycle.id)
    .returningAll()
    .execute();
  sessions.sort((a, b) => a.starts_at.getTime() - b.starts_at.getTime());
  return { ...made, sessions };
}

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t?.close());

async function get(url: string, headers: Record<string, string> = {}) {
  return t.app.inject({ url, headers });
}

async function apiCycle(slug: string): Promise<{ title: string; sessions: ApiSession[] }> {
  const res = await get(`/api/cycles/${slug}`);
  expect(res.statusCode).toBe(200);
  return res.json();
}

/** Every API session is in the feed, at exactly the API's instants, and nothing else is. */
function expectSameAsApi(cal: ParsedCalendar, cycles: { title: string; sessions: ApiSession[] }[]) {
  const all = cycles.flatMap((c) => c.sessions.map((s) => ({ c, s })));
  for (const view of [cal.icaljs, cal.nodeical]) {
    expect(view.size).toBe(all.length);
    for (const { c, s } of all) {
      const e = view.get(sessionUid(s.id, PUBLIC_URL));
      expect(e, `session ${s.id} in feed`).toBeDefined();
      expect(e!.start.toISOString()).toBe(new Date(s.startsAt).toISOString());
      expect(e!.end.toISOString()).toBe(new Date(s.endsAt).toISOString());
      expect(e!.status).toBe(s.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED');
      expect(e!.summary).toBe(`${s.status === 'cancelled' ? '[Annullato] ' : ''}${c.title} — ${s.title}`);
    }
  }
}

const tokenOf = (url: string) =>
  new URL(url).pathname
    .split('/')
    .pop()!
    .replace(/\.ics$/, '');
const randomToken = () => randomBytes(32).toString('base64url');

async function register(slug: string) {
  const res = await t.app.inject({ method: 'POST', url: `/api/cycles/${slug}/registrations`, payload: registrationBody() });
  expect(res.statusCode).toBe(201);
  const r = res.json().registration;
  return { ...r, manageToken: tokenOf(r.manageUrl), feedPath: new URL(r.calendarUrl).pathname };
}

describe('per-cycle feed', () => {
  it('lists every session at the API instants, read alike by ical.js and node-ical', async () => {
    const { cycle, sessions } = await createCycle(t.database.db, { title: 'Co-progettazione, welfare; comunità 🎯' });
    // A fixed winter meeting at 09:30 Rome (08:30Z), whatever the machine's zone.
    await t.database.db
      .updateTable('sessions')
      .set({ starts_at: new Date('2031-01-16T08:30:00Z'), ends_at: new Date('2031-01-16T11:00:00Z') })
      .where('id', '=', sessions[0]!.id)
      .execute();
    const res = await get(`/ical/cycles/${cycle.slug}.ics`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.headers['content-disposition']).toBeUndefined();
    expect(String(res.headers.etag)).toMatch(/^"[^"]+"$/);
    expect(new Date(String(res.headers['last-modified'])).getTime()).not.toBeNaN();

    expectSameAsApi(parseAgreeing(res.body), [await apiCycle(cycle.slug)]);
    const lines = contentLines(res.body);
    expect(lines).toContain('TZID:Europe/Rome');
    expect(lines.some((l) => l.startsWith('METHOD'))).toBe(false);
    expect(eventLines(res.body, sessionUid(sessions[0]!.id, PUBLIC_URL))).toContain('DTSTART;TZID=Europe/Rome:20310116T093000');
  });

  it('answers 404 with the error shape for a draft or unknown cycle', async () => {
    const { cycle } = await createCycle(t.database.db, { published: false });
    for (const url of [`/ical/cycles/${cycle.slug}.ics`, '/ical/cycles/non-esiste.ics']) {
      const res = await get(url);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ statusCode: 404, code: 'not_found' });
    }
  });

  it('offers a one-off download with the same body', async () => {
    const { cycle } = await createCycle(t.database.db);
    const [feed, file] = [await get(`/ical/cycles/${cycle.slug}.ics`), await get(`/ical/cycles/${cycle.slug}.ics?download=1`)];
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-disposition']).toBe(`attachment; filename="${cycle.slug}.ics"`);
    expect(file.body).toBe(feed.body);
  });

  it('answers 304 to a current If-None-Match or If-Modified-Since, and changes its ETag when a session changes', async () => {
    const { cycle, sessions } = await createCycle(t.database.db);
    const url = `/ical/cycles/${cycle.slug}.ics`;
    const first = await get(url);
    const etag = String(first.headers.etag);
    const lastModified = String(first.headers['last-modified']);

    const same = await get(url, { 'if-none-match': etag });
    expect(same.statusCode).toBe(304);
    expect(same.body).toBe('');
    expect(same.headers.etag).toBe(etag);
    expect((await get(url, { 'if-none-match': `"other", W/${etag}` })).statusCode).toBe(304);
    expect((await get(url, { 'if-none-match': '"something-else"' })).statusCode).toBe(200);
    expect((await get(url, { 'if-modified-since': lastModified })).statusCode).toBe(304);
    const before = new Date(new Date(lastModified).getTime() - 60_000).toUTCString();
    expect((await get(url, { 'if-modified-since': before })).statusCode).toBe(200);

    await t.app.services.sessions.changeSession(sessions[1]!.id, { location: 'Bergamo, Piazza Vecchia' });
    const changed = await get(url, { 'if-none-match': etag });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.body).toContain('LOCATION:Bergamo\\, Piazza Vecchia');
    expect((await get(url, { 'if-none-match': String(changed.headers.etag) })).statusCode).toBe(304);
  });

  it('moves a session twice: SEQUENCE +2, same UID, DTSTART moved for both parsers', async () => {
    const { cycle, sessions } = await createCycle(t.database.db);
    const s = sessions[2]!;
    const uid = sessionUid(s.id, PUBLIC_URL);
    const url = `/ical/cycles/${cycle.slug}.ics`;
    const before = parseAgreeing((await get(url)).body).icaljs.get(uid)!;
    expect(before.sequence).toBe(0);

    const start1 = new Date(new Date(s.starts_at).getTime() + DAY);
    await t.app.services.sessions.changeSession(s.id, { startsAt: start1, endsAt: new Date(start1.getTime() + 2 * 3_600_000) });
    const start2 = new Date(start1.getTime() + 90 * 60_000);
    await t.app.services.sessions.changeSession(s.id, { startsAt: start2, endsAt: new Date(start2.getTime() + 2 * 3_600_000) });

    const body = (await get(url)).body;
    const after = parseAgreeing(body);
    for (const view of [after.icaljs, after.nodeical]) {
      const e = view.get(uid)!;
      expect(e.sequence).toBe(2);
      expect(e.start.toISOString()).toBe(start2.toISOString());
      expect(e.start.getTime()).not.toBe(before.start.getTime());
    }
    expect(after.icaljs.size).toBe(sessions.length);
    expectSameAsApi(after, [await apiCycle(cycle.slug)]);
  });

  it('keeps a cancelled session, marked STATUS:CANCELLED', async () => {
    const { cycle, sessions } = await createCycle(t.database.db);
    await t.app.services.sessions.changeSession(sessions[0]!.id, { status: 'cancelled' });
    const cal = parseAgreeing((await get(`/ical/cycles/${cycle.slug}.ics`)).body);
    for (const view of [cal.icaljs, cal.nodeical]) {
      expect(view.size).toBe(sessions.length);
      const e = view.get(sessionUid(sessions[0]!.id, PUBLIC_URL))!;
      expect(e.status).toBe('CANCELLED');
      expect(e.sequence).toBe(1);
    }
    expectSameAsApi(cal, [await apiCycle(cycle.slug)]);
  });
});

describe('catalogue feed', () => {
  it('has exactly the sessions of the published upcoming cycles, and honours ?theme', async () => {
    const themeA = await createTheme(t.database.db);
    const themeB = await createTheme(t.database.db);
    const upcomingA = await createCycle(t.database.db, { themeSlug: themeA.slug });
    const upcomingB = await createCycle(t.database.db, { themeSlug: themeB.slug, sessionDays: [-7, 3] });
    const past = await createCycle(t.database.db, { themeSlug: themeA.slug, sessionDays: [-30, -20] });
    const draft = await createCycle(t.database.db, { themeSlug: themeA.slug, published: false });

    const res = await get('/ical/catalogue.ics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    const all = parseAgreeing(res.body);
    const listed = (await get('/api/cycles?when=upcoming')).json().items as { slug: string; title: string; sessions: ApiSession[] }[];
    expect(listed.map((c) => c.slug)).toEqual(expect.arrayContaining([upcomingA.cycle.slug, upcomingB.cycle.slug]));
    expectSameAsApi(all, listed);
    for (const gone of [past, draft]) {
      for (const s of gone.sessions) expect(all.icaljs.has(sessionUid(s.id, PUBLIC_URL))).toBe(false);
    }

    const onlyA = parseAgreeing((await get(`/ical/catalogue.ics?theme=${themeA.slug}`)).body);
    expectSameAsApi(onlyA, [await apiCycle(upcomingA.cycle.slug)]);
    expect(contentLines((await get(`/ical/catalogue.ics?theme=${themeA.slug}`)).body)).toContain(`X-WR-CALNAME:Officina — Tema ${themeA.slug}`);

    const missing = await get('/ical/catalogue.ics?theme=non-esiste');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ statusCode: 404, code: 'not_found' });
  });

  it('speaks English with ?lang=en', async () => {
    const theme = await createTheme(t.database.db);
    await createCycle(t.database.db, { themeSlug: theme.slug });
    const body = (await get(`/ical/catalogue.ics?theme=${theme.slug}&lang=en`)).body;
    expect(contentLines(body)).toContain(`X-WR-CALNAME:Officina — Theme ${theme.slug}`);
    expect(body).toContain('Cycle page: http://officina.test/en/cicli/');
  });
});

describe('private feed', () => {
  it('shows the registration’s meetings; a cancelled registration marks every one cancelled', async () => {
    const { cycle, sessions } = await createCycle(t.database.db);
    const reg = await register(cycle.slug);
    expect(reg.webcalUrl).toBe(reg.calendarUrl.replace(/^http:\/\//, 'webcal://'));

    const first = await get(reg.feedPath);
    expect(first.statusCode).toBe(200);
    expect(first.headers['cache-control']).toBe('private, max-age=300');
    const before = parseAgreeing(first.body);
    expectSameAsApi(before, [await apiCycle(cycle.slug)]);

    const cancel = await t.app.inject({ method: 'POST', url: `/api/registrations/${reg.manageToken}/cancel` });
    expect(cancel.statusCode).toBe(200);
    const second = await get(reg.feedPath, { 'if-none-match': String(first.headers.etag) });
    expect(second.statusCode).toBe(200);
    expect(second.headers.etag).not.toBe(first.headers.etag);
    const after = parseAgreeing(second.body);
    for (const view of [after.icaljs, after.nodeical]) {
      expect(view.size).toBe(sessions.length);
      for (const s of sessions) {
        const e = view.get(sessionUid(s.id, PUBLIC_URL))!;
        expect(e.status).toBe('CANCELLED');
        // The person's cancellation is a change of these events too: SEQUENCE goes up.
        expect(e.sequence).toBe(before.icaljs.get(e.uid)!.sequence + 1);
        expect(e.start.toISOString()).toBe(new Date(s.starts_at).toISOString());
      }
    }
  });

  it('shows a waitlisted person tentative meetings, confirmed once promoted', async () => {
    const { cycle, sessions } = await createCycle(t.database.db, { capacity: 1 });
    const holder = await register(cycle.slug);
    const waiting = await register(cycle.slug);
    expect(waiting.status).toBe('waitlisted');
    const uid = sessionUid(sessions[0]!.id, PUBLIC_URL);
    const tentative = parseAgreeing((await get(waiting.feedPath)).body);
    expect(tentative.icaljs.get(uid)!.status).toBe('TENTATIVE');

    await t.app.inject({ method: 'POST', url: `/api/registrations/${holder.manageToken}/cancel` });
    const confirmed = parseAgreeing((await get(waiting.feedPath)).body);
    for (const view of [confirmed.icaljs, confirmed.nodeical]) {
      expect(view.get(uid)!.status).toBe('CONFIRMED');
      expect(view.get(uid)!.sequence).toBe(tentative.icaljs.get(uid)!.sequence + 1);
    }
  });

  it('follows session changes: moved and cancelled meetings update in place', async () => {
    const { cycle, sessions } = await createCycle(t.database.db);
    const reg = await register(cycle.slug);
    const newStart = new Date('2031-02-20T13:00:00Z');
    await t.app.services.sessions.changeSession(sessions[1]!.id, { startsAt: newStart, endsAt: new Date('2031-02-20T16:00:00Z') });
    await t.app.services.sessions.changeSession(sessions[3]!.id, { status: 'cancelled' });
    const res = await get(reg.feedPath);
    const cal = parseAgreeing(res.body);
    expectSameAsApi(cal, [await apiCycle(cycle.slug)]);
    expect(eventLines(res.body, sessionUid(sessions[1]!.id, PUBLIC_URL))).toContain('DTSTART;TZID=Europe/Rome:20310220T140000');
  });

  it('answers 404 with the error shape for unknown, malformed and wrong-purpose tokens', async () => {
    const { cycle } = await createCycle(t.database.db);
    const reg = await register(cycle.slug);
    const bad = [randomToken(), 'abc', `${randomToken().slice(0, 42)}!`, '%20', reg.manageToken];
    for (const token of bad) {
      const res = await get(`/ical/registrations/${encodeURIComponent(token)}.ics`);
      expect(res.statusCode, token).toBe(404);
      expect(res.json()).toMatchObject({ statusCode: 404, code: 'not_found' });
      expect(typeof res.json().message).toBe('string');
    }
  });

  it('downloads once with a file name', async () => {
    const { cycle } = await createCycle(t.database.db);
    const reg = await register(cycle.slug);
    const res = await get(`${reg.feedPath}?download=1`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${cycle.slug}.ics"`);
    expect(res.headers['cache-control']).toBe('private, max-age=300');
    expect(parseAgreeing(res.body).icaljs.size).toBe(4);
  });

  it('rotates its address: the new one works, the old one is 404', async () => {
    const { cycle } = await createCycle(t.database.db);
    const reg = await register(cycle.slug);
    const oldBody = (await get(reg.feedPath)).body;

    const rotated = await t.app.inject({ method: 'POST', url: `/api/registrations/${reg.manageToken}/calendar-token` });
    expect(rotated.statusCode).toBe(200);
    const { calendarUrl, webcalUrl } = rotated.json();
    expect(calendarUrl).not.toBe(reg.calendarUrl);
    expect(calendarUrl.startsWith(`${PUBLIC_URL}/ical/registrations/`)).toBe(true);
    expect(webcalUrl).toBe(calendarUrl.replace(/^http:\/\//, 'webcal://'));

    const fresh = await get(new URL(calendarUrl).pathname);
    expect(fresh.statusCode).toBe(200);
    expect([...parseAgreeing(fresh.body).icaljs.keys()].sort()).toEqual([...parseAgreeing(oldBody).icaljs.keys()].sort());
    expect((await get(reg.feedPath)).statusCode).toBe(404);

    // "My registration" now shows the new address; the manage link itself is unchanged.
    const page = (await get(`/api/registrations/${reg.manageToken}`)).json();
    expect(page.registration.calendarUrl).toBe(calendarUrl);
    expect(page.registration.webcalUrl).toBe(webcalUrl);

    // Rotating again retires the second address too.
    const again = (await t.app.inject({ method: 'POST', url: `/api/registrations/${reg.manageToken}/calendar-token` })).json();
    expect((await get(new URL(calendarUrl).pathname)).statusCode).toBe(404);
    expect((await get(new URL(again.calendarUrl).pathname)).statusCode).toBe(200);
  });

  it('refuses to rotate without a valid manage token', async () => {
    const { cycle } = await createCycle(t.database.db);
    const reg = await register(cycle.slug);
    for (const token of [randomToken(), 'short', tokenOf(reg.calendarUrl)]) {
      const res = await t.app.inject({ method: 'POST', url: `/api/registrations/${token}/calendar-token` });
      expect(res.statusCode, token).toBe(404);
      expect(res.json()).toMatchObject({ statusCode: 404, code: 'not_found' });
    }
    expect((await get(reg.feedPath)).statusCode).toBe(200);
  });
});
