// Cycles through the organiser API: drafts, publication, slugs, the registration window, capacity
// (a raise confirms the waiting list in arrival order, in the same transaction, with notifications; a
// cut below the seats taken is refused), counts, sessions through the sessions service.
import { sql, type Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/schema.ts';
import { cycleManagement } from '../../server/modules/cycles/cycles.manage.ts';
import { promoteLocked } from '../../server/modules/registrations/registrations.cancel.ts';
import { silentNotifier, type Notifier } from '../../server/modules/notifications/notifications.service.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { assign, signedIn, type Session } from '../helpers/auth.ts';
import { createCycle, createTheme, registrationBody } from '../helpers/factories.ts';
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

const post = (url: string, payload: unknown, s = org) => t.app.inject({ method: 'POST', url, headers: s.headers, payload: payload as object });
const patch = (url: string, payload: unknown, s = org) => t.app.inject({ method: 'PATCH', url, headers: s.headers, payload: payload as object });
const get = (url: string, s = org) => t.app.inject({ method: 'GET', url, headers: { cookie: s.cookie } });

const addMeeting = (cycleId: string) =>
  post(`/api/admin/cycles/${cycleId}/sessions`, { title: 'Primo incontro', startsAt: '2030-03-04T10:00:00+01:00', endsAt: '2030-03-04T13:00:00+01:00' });

const draft = (over: Record<string, unknown> = {}) => ({
  title: 'Co-progettazione e co-programmazione: 2ª edizione',
  themeSlug,
  format: 'hybrid',
  location: 'Milano, Via Rovello 2',
  capacity: 20,
  ...over,
});

/** Registers people through the public API in order; returns their registration ids. */
async function signUps(slug: string, n: number) {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await t.app.inject({ method: 'POST', url: `/api/cycles/${slug}/registrations`, payload: registrationBody({ firstName: `P${i}` }) });
    expect(res.statusCode).toBe(201);
    ids.push(res.json().registration.id);
  }
  return ids;
}

const statusOf = async (ids: string[]) =>
  Object.fromEntries((await t.database.db.selectFrom('registrations').select(['id', 'status']).where('id', 'in', ids).execute()).map((r) => [r.id, r.status]));

describe('drafts and publication', () => {
  it('creates a draft assigned to its creator, with a slug made from the title', async () => {
    const res = await post('/api/admin/cycles', draft());
    expect(res.statusCode, res.body).toBe(201);
    const c = res.json();
    expect(c).toMatchObject({
      slug: 'co-progettazione-e-co-programmazione-2-edizione',
      publication: 'draft',
      publishedAt: null,
      capacity: 20,
      format: 'hybrid',
      counts: { confirmed: 0, waitlisted: 0, cancelled: 0 },
      sessions: [],
    });
    expect(c.organisers).toEqual([{ id: org.account.id, name: 'Test organiser', email: org.account.email }]);
    // Not in the public catalogue while a draft.
    expect((await t.app.inject({ method: 'GET', url: `/api/cycles/${c.slug}` })).statusCode).toBe(404);
    // Same title again: a free slug is found.
    const again = await post('/api/admin/cycles', draft());
    expect(again.json().slug).toBe('co-progettazione-e-co-programmazione-2-edizione-2');
  });

  it('refuses a taken slug (409), an unknown theme (400) and a window that closes before it opens (400)', async () => {
    await post('/api/admin/cycles', draft({ slug: 'preso' }));
    const taken = await post('/api/admin/cycles', draft({ slug: 'preso' }));
    expectErrorShape(taken.statusCode, taken.json(), { status: 409, code: 'slug_taken' });
    const theme = await post('/api/admin/cycles', draft({ themeSlug: 'nessuno' }));
    expectErrorShape(theme.statusCode, theme.json(), { status: 400, code: 'unknown_theme' });
    const window = await post(
      '/api/admin/cycles',
      draft({ registrationOpensAt: '2030-02-01T09:00:00+01:00', registrationClosesAt: '2030-01-01T09:00:00+01:00' }),
    );
    expectErrorShape(window.statusCode, window.json(), { status: 400, code: 'validation_error' });
    const bad = await post('/api/admin/cycles', { title: '' });
    expectErrorShape(bad.statusCode, bad.json(), { status: 400, code: 'validation_error' });
  });

  it('publishes and unpublishes; the slug of a published cycle is locked', async () => {
    const c = (await post('/api/admin/cycles', draft({ slug: 'da-pubblicare', registrationClosesAt: '2030-03-01T18:00:00+01:00' }))).json();
    expect((await addMeeting(c.id)).statusCode).toBe(201);
    const renamed = await patch(`/api/admin/cycles/${c.id}`, { slug: 'pubblicato' });
    expect(renamed.json().slug).toBe('pubblicato');
    const pub = await patch(`/api/admin/cycles/${c.id}`, { publication: 'published', summary: 'Quattro incontri' });
    expect(pub.statusCode).toBe(200);
    expect(pub.json()).toMatchObject({ publication: 'published', summary: 'Quattro incontri', promoted: [] });
    expect(pub.json().publishedAt).toEqual(expect.any(String));
    expect((await t.app.inject({ method: 'GET', url: '/api/cycles/pubblicato' })).statusCode).toBe(200);
    const slug = await patch(`/api/admin/cycles/${c.id}`, { slug: 'altro' });
    expectErrorShape(slug.statusCode, slug.json(), { status: 409, code: 'slug_locked' });
    expect((await patch(`/api/admin/cycles/${c.id}`, { publication: 'draft' })).json().publication).toBe('draft');
    expect((await t.app.inject({ method: 'GET', url: '/api/cycles/pubblicato' })).statusCode).toBe(404);
  });

  it('refuses to publish without a meeting or a registration deadline (409 cycle_not_publishable, naming what is missing)', async () => {
    const c = (await post('/api/admin/cycles', draft({ slug: 'vuoto' }))).json();
    expect(c.missingForPublication).toEqual(['sessions', 'registrationClosesAt']);
    const isDraft = async () =>
      (await t.database.db.selectFrom('cycles').select('publication').where('id', '=', c.id).executeTakeFirstOrThrow()).publication === 'draft';

    const both = await patch(`/api/admin/cycles/${c.id}`, { publication: 'published' });
    expectErrorShape(both.statusCode, both.json(), { status: 409, code: 'cycle_not_publishable' });
    expect(both.json().missing).toEqual(['sessions', 'registrationClosesAt']);
    expect(both.json().message).toBe('Per pubblicare il ciclo servono almeno un incontro in calendario e la data di chiusura delle iscrizioni.');
    expect(await isDraft()).toBe(true);

    // A deadline alone: still no meeting.
    const noMeeting = await patch(`/api/admin/cycles/${c.id}?lang=en`, { publication: 'published', registrationClosesAt: '2030-03-01T18:00:00+01:00' });
    expectErrorShape(noMeeting.statusCode, noMeeting.json(), { status: 409, code: 'cycle_not_publishable' });
    expect(noMeeting.json()).toMatchObject({ missing: ['sessions'], message: 'To publish the cycle, add at least one meeting.' });
    expect(await isDraft()).toBe(true);

    // A cancelled meeting does not count.
    const meeting = (await addMeeting(c.id)).json();
    await patch(`/api/admin/sessions/${meeting.id}`, { status: 'cancelled' });
    expect((await patch(`/api/admin/cycles/${c.id}`, { publication: 'published' })).json().missing).toEqual(['sessions', 'registrationClosesAt']);

    // A meeting but no deadline.
    await addMeeting(c.id);
    expect((await get(`/api/admin/cycles/${c.id}`)).json().missingForPublication).toEqual(['registrationClosesAt']);
    const noDeadline = await patch(`/api/admin/cycles/${c.id}`, { publication: 'published' });
    expectErrorShape(noDeadline.statusCode, noDeadline.json(), { status: 409, code: 'cycle_not_publishable' });
    expect(noDeadline.json()).toMatchObject({
      missing: ['registrationClosesAt'],
      message: 'Per pubblicare il ciclo serve la data di chiusura delle iscrizioni.',
    });
    expect(await isDraft()).toBe(true);

    // Both there (the deadline given with the publication itself): published.
    const ok = await patch(`/api/admin/cycles/${c.id}`, { publication: 'published', registrationClosesAt: '2030-03-01T18:00:00+01:00' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ publication: 'published', missingForPublication: [] });
    expect((await t.app.inject({ method: 'GET', url: '/api/cycles/vuoto' })).statusCode).toBe(200);

    // Published, it keeps what publishing required: the deadline cannot be removed while it is live.
    const cleared = await patch(`/api/admin/cycles/${c.id}`, { registrationClosesAt: null });
    expectErrorShape(cleared.statusCode, cleared.json(), { status: 409, code: 'cycle_not_publishable' });
    expect(cleared.json()).toMatchObject({
      missing: ['registrationClosesAt'],
      message: 'Un ciclo pubblicato deve avere la data di chiusura delle iscrizioni: per toglierla, riporta prima il ciclo in bozza.',
    });
    const kept = await t.database.db.selectFrom('cycles').select('registration_closes_at').where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(kept.registration_closes_at).not.toBeNull();
    // Back to draft in the same change: allowed.
    const unpublished = await patch(`/api/admin/cycles/${c.id}`, { publication: 'draft', registrationClosesAt: null });
    expect(unpublished.statusCode, unpublished.body).toBe(200);
    expect(unpublished.json().publication).toBe('draft');
    const removed = await t.database.db.selectFrom('cycles').select('registration_closes_at').where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(removed.registration_closes_at).toBeNull();
  });

  it('lists my cycles with counts (confirmed, waitlisted, cancelled)', async () => {
    const { cycle } = await createCycle(t.database.db, { capacity: 1 });
    await assign(t.database.db, cycle.id, org.account.id);
    const [first] = await signUps(cycle.slug, 3);
    await t.database.db.updateTable('registrations').set({ status: 'cancelled', cancelled_at: new Date() }).where('id', '=', first!).execute();
    const list = (await get('/api/admin/cycles')).json().items as { id: string; counts: unknown; sessions: unknown[] }[];
    const mine = list.find((c) => c.id === cycle.id)!;
    expect(mine.counts).toEqual({ confirmed: 0, waitlisted: 2, cancelled: 1 });
    expect(mine.sessions).toHaveLength(4);
    const other = await signedIn(t.app, t.database.db, 'organiser');
    expect((await get('/api/admin/cycles', other)).json().items).toEqual([]);
  });

  it('lists themes in both languages', async () => {
    const res = await get('/api/admin/themes?lang=en');
    expect(res.json().items).toContainEqual(
      expect.objectContaining({ slug: themeSlug, name: `Theme ${themeSlug}`, nameIt: `Tema ${themeSlug}`, nameEn: `Theme ${themeSlug}` }),
    );
  });
});

describe('capacity', () => {
  it('a raise confirms the head of the waiting list in arrival order; the rest keep their places', async () => {
    const { cycle } = await createCycle(t.database.db, { capacity: 2 });
    await assign(t.database.db, cycle.id, org.account.id);
    const ids = await signUps(cycle.slug, 6);
    expect(await statusOf(ids)).toEqual(Object.fromEntries(ids.map((id, i) => [id, i < 2 ? 'confirmed' : 'waitlisted'])));

    const res = await patch(`/api/admin/cycles/${cycle.id}`, { capacity: 4 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().promoted).toEqual([ids[2], ids[3]]);
    expect(res.json()).toMatchObject({ capacity: 4, seatsTaken: 4, waitlistLength: 2, counts: { confirmed: 4, waitlisted: 2 } });
    const s = await statusOf(ids);
    expect(ids.map((id) => s[id])).toEqual(['confirmed', 'confirmed', 'confirmed', 'confirmed', 'waitlisted', 'waitlisted']);

    const regs = (await get(`/api/admin/cycles/${cycle.id}/registrations?status=waitlisted`)).json().items;
    expect(regs.map((r: { id: string; waitlistPosition: number }) => [r.id, r.waitlistPosition])).toEqual([
      [ids[4], 1],
      [ids[5], 2],
    ]);
  });

  it('refuses to go below the seats taken (409 capacity_below_seats_taken) and changes nothing', async () => {
    const { cycle } = await createCycle(t.database.db, { capacity: 3 });
    await assign(t.database.db, cycle.id, org.account.id);
    await signUps(cycle.slug, 3);
    const res = await patch(`/api/admin/cycles/${cycle.id}`, { capacity: 2, title: 'Cambiato?' });
    expectErrorShape(res.statusCode, res.json(), { status: 409, code: 'capacity_below_seats_taken' });
    const row = await t.database.db.selectFrom('cycles').select(['capacity', 'title']).where('id', '=', cycle.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ capacity: 3, title: cycle.title });
    // Down to exactly the seats taken is fine, and promotes nobody.
    expect((await patch(`/api/admin/cycles/${cycle.id}`, { capacity: 3 })).json().promoted).toEqual([]);
  });

  it('a dry run answers what the change would do (who a raise confirms), then keeps nothing and tells nobody', async () => {
    const { cycle } = await createCycle(t.database.db, { capacity: 2 });
    await assign(t.database.db, cycle.id, org.account.id);
    const ids = await signUps(cycle.slug, 5);
    const jobs = async () => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM graphile_worker.jobs`.execute(t.database.db)).rows[0]!.n);
    const jobsBefore = await jobs();

    const dry = await patch(`/api/admin/cycles/${cycle.id}?dryRun=true`, { capacity: 4, title: 'Solo una prova' });
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({ capacity: 4, title: 'Solo una prova', seatsTaken: 4, waitlistLength: 1, promoted: [ids[2], ids[3]] });
    // Nothing kept: capacity, title, everyone's status; no mail queued.
    const row = await t.database.db.selectFrom('cycles').select(['capacity', 'title']).where('id', '=', cycle.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ capacity: 2, title: cycle.title });
    expect(Object.values(await statusOf(ids)).filter((s) => s === 'waitlisted')).toHaveLength(3);
    expect(await jobs()).toBe(jobsBefore);
    // Refusals are the real change's refusals.
    const below = await patch(`/api/admin/cycles/${cycle.id}?dryRun=true`, { capacity: 1 });
    expectErrorShape(below.statusCode, below.json(), { status: 409, code: 'capacity_below_seats_taken' });

    // The real change promotes exactly whom the dry run named.
    const real = await patch(`/api/admin/cycles/${cycle.id}`, { capacity: 4 });
    expect(real.json().promoted).toEqual(dry.json().promoted);
    expect(await jobs()).toBeGreaterThan(jobsBefore);
  });

  it('tells the notifier about each promotion, inside the transaction that made it', async () => {
    const { cycle } = await createCycle(t.database.db, { capacity: 1 });
    const ids = await signUps(cycle.slug, 4);
    const seen: { id: string; statusInTrx: string }[] = [];
    const recorder: Notifier = {
      ...silentNotifier,
      async registrationPromoted(trx: Transaction<Database>, id: string) {
        const r = await trx.selectFrom('registrations').select('status').where('id', '=', id).executeTakeFirstOrThrow();
        seen.push({ id, statusInTrx: r.status });
      },
    };
    const service = cycleManagement({ db: t.database.db, promote: (trx, id, now) => promoteLocked(trx, recorder, id, now), programmeContact: null });
    const out = await service.update(cycle.id, { capacity: 3 }, 'it');
    expect(out.promoted).toEqual([ids[1], ids[2]]);
    expect(seen).toEqual([
      { id: ids[1], statusInTrx: 'confirmed' },
      { id: ids[2], statusInTrx: 'confirmed' },
    ]);
  });
});

describe('sessions through the organiser API', () => {
  it('adds a meeting and cancels it', async () => {
    const c = (await post('/api/admin/cycles', draft({ slug: 'con-incontri' }))).json();
    const add = await post(`/api/admin/cycles/${c.id}/sessions`, {
      title: 'Primo incontro',
      startsAt: '2030-03-04T10:00:00+01:00',
      endsAt: '2030-03-04T13:00:00+01:00',
    });
    expect(add.statusCode, add.body).toBe(201);
    expect(add.json()).toMatchObject({
      title: 'Primo incontro',
      startsAt: '2030-03-04T09:00:00.000Z',
      status: 'scheduled',
      location: 'Milano, Via Rovello 2',
      sequence: 0,
    });
    const cancel = await patch(`/api/admin/sessions/${add.json().id}`, { status: 'cancelled' });
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect(cancel.json()).toMatchObject({ status: 'cancelled', change: 'cancelled', sequence: 1 });
    const bad = await patch(`/api/admin/sessions/${add.json().id}`, { startsAt: 'domani' });
    expectErrorShape(bad.statusCode, bad.json(), { status: 400, code: 'validation_error' });
    expect((await get(`/api/admin/cycles/${c.id}`)).json().sessions).toHaveLength(1);
  });
});

describe('whom a cycle is for', () => {
  it('is written by organisers, shown on the public cycle, cleared with null, and refused past 300 characters', async () => {
    const audience = 'Assistenti sociali, insegnanti e mediatori culturali';
    const c = (await post('/api/admin/cycles', draft({ slug: 'per-chi', audience, registrationClosesAt: '2030-03-01T18:00:00+01:00' }))).json();
    expect(c.audience).toBe(audience);
    expect((await addMeeting(c.id)).statusCode).toBe(201);
    expect((await patch(`/api/admin/cycles/${c.id}`, { publication: 'published' })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/cycles/per-chi' })).json().audience).toBe(audience);

    const long = await patch(`/api/admin/cycles/${c.id}`, { audience: 'x'.repeat(301) });
    expectErrorShape(long.statusCode, long.json(), { status: 400, code: 'validation_error' });
    expect(long.json().fields.map((f: { field: string }) => f.field)).toEqual(['audience']);

    expect((await patch(`/api/admin/cycles/${c.id}`, { audience: null })).json().audience).toBeNull();
  });
});
