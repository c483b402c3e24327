// The rules of signing up (window, publication, one active registration per address, consent, a full
// cycle without waiting list, language) and the exact public shapes of docs/http-api.md.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';
import { expectErrorShape, listen, request, tokenOf } from '../helpers/http.ts';

const DAY = 86_400_000;
let t: TestApp;
let base: string;
beforeAll(async () => {
  t = await buildTestApp();
  base = await listen(t.app);
});
afterAll(async () => t?.close());

const register = (slug: string, body: unknown, headers: Record<string, string> = {}) =>
  request(base, 'POST', `/api/cycles/${slug}/registrations`, body, headers);

async function rowCounts() {
  const [r, p] = await Promise.all([
    t.database.db
      .selectFrom('registrations')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
    t.database.db
      .selectFrom('participants')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { registrations: Number(r.n), participants: Number(p.n) };
}

describe('registration window', () => {
  it('not yet open: 409 registration_closed (not_yet_open), nothing written', async () => {
    const { cycle } = await createCycle(t.database.db, { registrationOpensAt: new Date(Date.now() + 2 * DAY) });
    const before = await rowCounts();
    const res = await register(cycle.slug, registrationBody());
    const body = expectErrorShape(res.status, res.body, { status: 409, code: 'registration_closed' });
    expect(res.body.reason).toBe('not_yet_open');
    expect(body.message).toBe('Le iscrizioni a questo ciclo non sono ancora aperte.');
    expect(await rowCounts()).toEqual(before);
    expect((await request(base, 'GET', `/api/cycles/${cycle.slug}`)).body.status).toBe('upcoming');
  });

  it('closed by its closing date: 409 registration_closed (closed)', async () => {
    const { cycle } = await createCycle(t.database.db, {
      registrationOpensAt: new Date(Date.now() - 10 * DAY),
      registrationClosesAt: new Date(Date.now() - DAY),
    });
    const res = await register(cycle.slug, registrationBody());
    expectErrorShape(res.status, res.body, { status: 409, code: 'registration_closed' });
    expect(res.body.reason).toBe('closed');
    expect((await request(base, 'GET', `/api/cycles/${cycle.slug}`)).body.status).toBe('closed');
  });

  it('closed once the first meeting has started, when no closing date is set', async () => {
    const { cycle } = await createCycle(t.database.db, { sessionDays: [-1, 6, 13] });
    const res = await register(cycle.slug, registrationBody());
    expectErrorShape(res.status, res.body, { status: 409, code: 'registration_closed' });
    expect(res.body.reason).toBe('closed');
  });

  it('open inside the window, right up to the closing moment', async () => {
    const { cycle } = await createCycle(t.database.db, {
      registrationOpensAt: new Date(Date.now() - DAY),
      registrationClosesAt: new Date(Date.now() + 60_000),
    });
    expect((await register(cycle.slug, registrationBody())).status).toBe(201);
  });

  it('cycle ended: 409 registration_closed (ended)', async () => {
    const { cycle } = await createCycle(t.database.db, { sessionDays: [-30, -23, -16] });
    const res = await register(cycle.slug, registrationBody(), { 'accept-language': 'en' });
    expectErrorShape(res.status, res.body, { status: 409, code: 'registration_closed' });
    expect(res.body.reason).toBe('ended');
    expect(res.body.message).toBe('This cycle has already ended.');
  });
});

describe('which cycles can be joined', () => {
  it('a draft cycle is 404, like one that does not exist, and is not listed', async () => {
    const { cycle } = await createCycle(t.database.db, { published: false });
    for (const slug of [cycle.slug, 'ciclo-che-non-esiste']) {
      const res = await register(slug, registrationBody());
      expectErrorShape(res.status, res.body, { status: 404, code: 'not_found' });
      const shown = await request(base, 'GET', `/api/cycles/${slug}`);
      expectErrorShape(shown.status, shown.body, { status: 404, code: 'not_found' });
    }
    const list = await request(base, 'GET', '/api/cycles?when=all');
    expect(list.body.items.map((c: { slug: string }) => c.slug)).not.toContain(cycle.slug);
  });

  it('full with the waiting list disabled: 409 cycle_full, nothing written', async () => {
    const { cycle } = await createCycle(t.database.db, { capacity: 1, waitlistEnabled: false });
    expect((await register(cycle.slug, registrationBody())).status).toBe(201);
    const before = await rowCounts();
    const res = await register(cycle.slug, registrationBody());
    expectErrorShape(res.status, res.body, { status: 409, code: 'cycle_full' });
    expect(res.body.message).toBe('Il ciclo è al completo e non ha una lista d’attesa.');
    expect(await rowCounts()).toEqual(before);
  });

  it('with the waiting list disabled but seats left: confirmed', async () => {
    const { cycle } = await createCycle(t.database.db, { capacity: 2, waitlistEnabled: false });
    const res = await register(cycle.slug, registrationBody());
    expect(res.status).toBe(201);
    expect(res.body.registration.status).toBe('confirmed');
  });
});

describe('one active registration per address', () => {
  it('the same address again (other case, spaces) is 409 already_registered with no token', async () => {
    const { cycle } = await createCycle(t.database.db, { capacity: 5 });
    const first = await register(cycle.slug, registrationBody({ email: 'anna.bianchi@comune.example.it' }));
    expect(first.status).toBe(201);
    expect(first.body.registration.email).toBe('anna.bianchi@comune.example.it');
    const before = await rowCounts();

    for (const email of ['  Anna.Bianchi@Comune.Example.IT ', 'ANNA.BIANCHI@COMUNE.EXAMPLE.IT', '\tanna.bianchi@comune.example.it\n']) {
      const again = await register(cycle.slug, registrationBody({ email, firstName: 'Anna' }));
      expectErrorShape(again.status, again.body, { status: 409, code: 'already_registered' });
      expect(JSON.stringify(again.body)).not.toMatch(/iscrizione\/|manageUrl|token|[A-Za-z0-9_-]{43}/);
    }
    expect(await rowCounts()).toEqual(before);
    const stored = await t.database.db.selectFrom('participants').select('email').where('email', 'ilike', 'anna.bianchi@%').execute();
    expect(stored).toEqual([{ email: 'anna.bianchi@comune.example.it' }]);
  });

  it('the same address may sign up for another cycle', async () => {
    const a = await createCycle(t.database.db);
    const b = await createCycle(t.database.db);
    const email = 'marco.verdi@comune.example.it';
    expect((await register(a.cycle.slug, registrationBody({ email }))).status).toBe(201);
    expect((await register(b.cycle.slug, registrationBody({ email: email.toUpperCase() }))).status).toBe(201);
    const people = await t.database.db.selectFrom('participants').selectAll().where('email', '=', email).execute();
    expect(people).toHaveLength(1);
  });

  it('after cancelling, the same address can sign up again (new registration, new link, end of the queue)', async () => {
    const { cycle } = await createCycle(t.database.db, { capacity: 1 });
    const email = 'luca.neri@comune.example.it';
    const first = await register(cycle.slug, registrationBody({ email }));
    await register(cycle.slug, registrationBody()); // someone waiting
    expect((await request(base, 'POST', `/api/registrations/${tokenOf(first.body.registration)}/cancel`)).status).toBe(200);

    const again = await register(cycle.slug, registrationBody({ email: email.toUpperCase() }));
    expect(again.status).toBe(201);
    expect(again.body.registration.id).not.toBe(first.body.registration.id);
    expect(tokenOf(again.body.registration)).not.toBe(tokenOf(first.body.registration));
    // The seat went to the person who was waiting; the returning person queues behind.
    expect(again.body.registration).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
    // The old link still shows the cancelled registration.
    const old = await request(base, 'GET', `/api/registrations/${tokenOf(first.body.registration)}`);
    expect(old.body.registration.status).toBe('cancelled');
    // A second active one is still refused.
    expectErrorShape(...statusAndBody(await register(cycle.slug, registrationBody({ email }))), { status: 409, code: 'already_registered' });
  });
});

const statusAndBody = (r: { status: number; body: unknown }) => [r.status, r.body] as const;

describe('consent', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['false', { consent: false }],
    ['missing', { consent: undefined }],
    ['the string "true"', { consent: 'true' }],
    ['1', { consent: 1 }],
    ['null', { consent: null }],
  ];
  for (const [label, override] of cases) {
    it(`${label}: 400 validation_error naming consent, nothing written`, async () => {
      const { cycle } = await createCycle(t.database.db);
      const before = await rowCounts();
      const res = await register(cycle.slug, registrationBody(override));
      const body = expectErrorShape(res.status, res.body, { status: 400, code: 'validation_error' });
      expect(body.message).toMatch(/^Dati non validi\. Controlla: consent \(/);
      expect(body.fields?.map((f) => f.field)).toEqual(['consent']);
      expect(await rowCounts()).toEqual(before);
    });
  }

  it('the version of the privacy notice accepted is stored with the time of consent', async () => {
    const { cycle } = await createCycle(t.database.db);
    const res = await register(cycle.slug, registrationBody());
    const row = await t.database.db
      .selectFrom('registrations')
      .select(['consent_version', 'consent_at', 'created_at'])
      .where('id', '=', res.body.registration.id)
      .executeTakeFirstOrThrow();
    expect(row.consent_version).toBe(t.config.privacyVersion);
    expect(row.consent_at).toEqual(row.created_at);
  });
});

describe('language', () => {
  it('the locale given in the body is stored and echoed', async () => {
    const { cycle } = await createCycle(t.database.db);
    const res = await register(cycle.slug, registrationBody({ locale: 'en' }));
    expect(res.body.registration.locale).toBe('en');
    const row = await t.database.db.selectFrom('registrations').select('locale').where('id', '=', res.body.registration.id).executeTakeFirstOrThrow();
    expect(row.locale).toBe('en');
    const shown = await request(base, 'GET', `/api/registrations/${tokenOf(res.body.registration)}`);
    expect(shown.body.registration.locale).toBe('en');
  });

  it('without a locale: Italian by default, the request language otherwise', async () => {
    const { cycle } = await createCycle(t.database.db);
    const it_ = await register(cycle.slug, registrationBody());
    expect(it_.body.registration.locale).toBe('it');
    const en = await register(cycle.slug, registrationBody(), { 'accept-language': 'en-GB,en;q=0.9' });
    expect(en.body.registration.locale).toBe('en');
    const body = registrationBody({ locale: 'it' });
    const explicit = await register(cycle.slug, body, { 'accept-language': 'en' });
    expect(explicit.body.registration.locale).toBe('it');
  });

  it('error messages are Italian by default and English with Accept-Language: en or ?lang=en', async () => {
    const { cycle } = await createCycle(t.database.db);
    const bad = registrationBody({ email: 'non-una-email', firstName: '' });
    const itRes = await register(cycle.slug, bad);
    expect(itRes.body.message).toBe('Dati non validi. Controlla: firstName (obbligatorio); email (indirizzo email non valido).');
    const enRes = await register(cycle.slug, bad, { 'accept-language': 'en-US,en;q=0.8' });
    expect(enRes.body.message).toBe('Invalid data. Check: firstName (required); email (not a valid email address).');
    const q = await request(base, 'POST', `/api/cycles/${cycle.slug}/registrations?lang=en`, bad);
    expect(q.body.message).toMatch(/^Invalid data\./);
    const frIt = await register(cycle.slug, bad, { 'accept-language': 'fr-FR,fr;q=0.9' });
    expect(frIt.body.message).toMatch(/^Dati non validi\./);

    const notFoundIt = await request(base, 'GET', '/api/registrations/x');
    expect(notFoundIt.body.message).toBe('Iscrizione non trovata: il link potrebbe essere incompleto o non più valido.');
    const notFoundEn = await request(base, 'GET', '/api/registrations/x', undefined, { 'accept-language': 'en' });
    expect(notFoundEn.body.message).toBe('Registration not found: the link may be incomplete or no longer valid.');
    const consent = await register(cycle.slug, registrationBody({ consent: false }));
    expect(consent.body.message).toBe('Dati non validi. Controlla: consent (deve essere true (accettazione obbligatoria)).');
  });
});

describe('response shapes (docs/http-api.md)', () => {
  // docs/http-api.md lists these and every one must be there: the first list of each pair is the
  // contract's first version, the _EXTRA one the fields added since ("add freely"), named here on purpose
  // so that anything else (a database column, a hash) that reaches a response makes this test fail.
  const REGISTRATION = ['id', 'status', 'waitlistPosition', 'firstName', 'lastName', 'email', 'organisation', 'createdAt', 'manageUrl', 'calendarUrl'];
  const REGISTRATION_EXTRA = ['role', 'network', 'locale', 'confirmedAt', 'cancelledAt', 'webcalUrl'];
  const CYCLE = [
    'id',
    'slug',
    'title',
    'theme',
    'summary',
    'description',
    'format',
    'location',
    'capacity',
    'seatsTaken',
    'seatsLeft',
    'waitlistLength',
    'registrationOpensAt',
    'registrationClosesAt',
    'status',
    'sessions',
  ];
  const CYCLE_EXTRA = ['kind', 'waitlistEnabled', 'attendanceThreshold', 'startsAt', 'endsAt', 'contact', 'credits', 'audience'];
  const SESSION = ['id', 'title', 'startsAt', 'endsAt', 'location', 'onlineUrl', 'status'];
  const SESSION_EXTRA = ['online'];
  // Documented in docs/http-api.md for the views that carry them (materials, attendance, certificate,
  // certificateAvailable, outcome): allowed, not required.
  const CYCLE_DETAIL_LATER = ['materials', 'calendar'];
  const SHOWN_LATER = ['materials', 'attendance', 'certificate', 'certificateAvailable', 'outcome', 'calendar'];

  /** Every required key present; no key outside required + allowed. */
  function expectKeys(obj: object, required: string[], allowed: string[] = []) {
    const keys = Object.keys(obj);
    expect(keys).toEqual(expect.arrayContaining(required));
    expect(keys.filter((k) => !required.includes(k) && !allowed.includes(k))).toEqual([]);
  }
  const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

  function checkRegistration(r: Record<string, unknown>) {
    expectKeys(r, [...REGISTRATION, ...REGISTRATION_EXTRA]);
    expect(r.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(['confirmed', 'waitlisted', 'cancelled']).toContain(r.status);
    expect(r.createdAt).toMatch(ISO);
    expect(r.manageUrl).toMatch(/^http:\/\/officina\.test\/iscrizione\/[A-Za-z0-9_-]{43}$/);
    expect(r.calendarUrl).toMatch(/^http:\/\/officina\.test\/ical\/registrations\/[A-Za-z0-9_-]{43}\.ics$/);
    expect(r.webcalUrl).toBe(String(r.calendarUrl).replace(/^http:/, 'webcal:'));
    // Two different secrets: the calendar feed link can't be used to cancel.
    expect(tokenOf(r as { manageUrl: string })).not.toBe(
      String(r.calendarUrl)
        .split('/')
        .pop()!
        .replace(/\.ics$/, ''),
    );
  }

  function checkCycle(c: Record<string, unknown>, later: string[] = []) {
    expectKeys(c, [...CYCLE, ...CYCLE_EXTRA], later);
    expect(Object.keys(c.theme as object).sort()).toEqual(['name', 'slug']);
    expect(['in_person', 'online', 'hybrid']).toContain(c.format);
    expect(['open', 'full', 'closed', 'upcoming', 'past']).toContain(c.status);
    for (const s of c.sessions as Record<string, unknown>[]) {
      expectKeys(s, [...SESSION, ...SESSION_EXTRA]);
      expect(s.startsAt).toMatch(ISO);
      expect(s.endsAt).toMatch(ISO);
    }
  }

  it('register, show, cancel, cycle and catalogue carry exactly the documented fields and no internals', async () => {
    const { cycle, sessions } = await createCycle(t.database.db, { capacity: 1 });
    const created = await register(cycle.slug, registrationBody({ role: '  ', network: null }));
    expect(created.status).toBe(201);
    expect(created.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(created.body)).toEqual(['registration']);
    checkRegistration(created.body.registration);
    expect(created.body.registration).toMatchObject({ status: 'confirmed', waitlistPosition: null, role: null, network: null });
    expect(created.body.registration.confirmedAt).toMatch(ISO);

    const waiting = await register(cycle.slug, registrationBody());
    checkRegistration(waiting.body.registration);
    expect(waiting.body.registration).toMatchObject({ status: 'waitlisted', waitlistPosition: 1, confirmedAt: null });

    const token = tokenOf(created.body.registration);
    const shown = await request(base, 'GET', `/api/registrations/${token}`);
    expect(shown.headers.get('cache-control')).toBe('private, no-store');
    expectKeys(shown.body, ['cycle', 'registration'], SHOWN_LATER);
    checkRegistration(shown.body.registration);
    checkCycle(shown.body.cycle);
    expect(shown.body.registration).toEqual(created.body.registration);
    expect(shown.body.cycle.sessions.map((s: { id: string }) => s.id)).toEqual(sessions.map((s) => s.id));
    // The private feed as subscription links (server/lib/calendar.links.ts), named as the feed names itself.
    const feed = shown.body.registration.calendarUrl as string;
    expect(shown.body.calendar).toEqual({
      ics: feed,
      download: `${feed}?download=1`,
      webcal: feed.replace(/^http:/, 'webcal:'),
      google: `https://calendar.google.com/calendar/r?cid=${encodeURIComponent(feed.replace(/^http:/, 'webcal:'))}`,
      outlook: `https://outlook.live.com/calendar/0/addfromweb?url=${encodeURIComponent(feed)}&name=${encodeURIComponent(`${cycle.title} — la mia iscrizione`)}`,
    });

    const single = await request(base, 'GET', `/api/cycles/${cycle.slug}`);
    checkCycle(single.body, CYCLE_DETAIL_LATER);
    // The cycle's public feed, in the request's language.
    const publicFeed = `http://officina.test/ical/cycles/${cycle.slug}.ics`;
    expect(single.body.calendar).toMatchObject({ ics: publicFeed, webcal: publicFeed.replace(/^http:/, 'webcal:') });
    expect(new URL(single.body.calendar.google).searchParams.get('cid')).toBe(publicFeed.replace(/^http:/, 'webcal:'));
    expect(new URL(single.body.calendar.outlook).searchParams.get('url')).toBe(publicFeed);
    expect(new URL(single.body.calendar.outlook).searchParams.get('name')).toBe(`${cycle.title} — Officina`);
    const english = await request(base, 'GET', `/api/cycles/${cycle.slug}?lang=en`);
    expect(english.body.calendar.ics).toBe(`${publicFeed}?lang=en`);
    expect(single.body).toMatchObject({
      capacity: 1,
      seatsTaken: 1,
      seatsLeft: 0,
      waitlistLength: 1,
      status: 'full',
      waitlistEnabled: true,
      attendanceThreshold: 0.75,
    });
    const list = await request(base, 'GET', '/api/cycles');
    expect(Object.keys(list.body)).toEqual(['items']);
    list.body.items.forEach(checkCycle);

    const cancelled = await request(base, 'POST', `/api/registrations/${token}/cancel`);
    expect(Object.keys(cancelled.body)).toEqual(['registration']);
    checkRegistration(cancelled.body.registration);

    // Nothing of the database's inside leaks: no hash, no sequence number, no foreign key.
    const row = await t.database.db
      .selectFrom('registrations')
      .select(['token_hash', 'calendar_token_hash', 'seq', 'participant_id', 'cycle_id'])
      .where('id', '=', created.body.registration.id)
      .executeTakeFirstOrThrow();
    for (const res of [created, shown, cancelled]) {
      const text = JSON.stringify(res.body);
      expect(text).not.toMatch(/token_hash|_hash|"seq"|participant|consent|cancelled_by|source/);
      expect(text).not.toContain(row.token_hash.toString('hex'));
      expect(text).not.toContain(row.token_hash.toString('base64url'));
      expect(text).not.toContain(row.calendar_token_hash.toString('base64url'));
      expect(text).not.toContain(row.participant_id);
    }
  });

  it('the stored hash is SHA-256 of the token in the link, never the token itself', async () => {
    const { cycle } = await createCycle(t.database.db);
    const res = await register(cycle.slug, registrationBody());
    const token = tokenOf(res.body.registration);
    const row = await t.database.db.selectFrom('registrations').selectAll().where('id', '=', res.body.registration.id).executeTakeFirstOrThrow();
    const { createHash } = await import('node:crypto');
    expect(row.token_hash.equals(createHash('sha256').update(token).digest())).toBe(true);
    expect(JSON.stringify(row)).not.toContain(token);
  });
});
