// Several app processes on one database: a write through one drops the others' cached reads, by
// PostgreSQL notification (both apps keep entries for an hour here, so nothing else can explain a fresh
// answer). The listening connection survives being killed: it reconnects, listens again and starts
// from an empty cache, since notifications sent while it was away are lost.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { assign, signedIn } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';

const HOUR = 3_600_000;
let database: TestDatabase;
let a: TestApp;
let b: TestApp;
beforeAll(async () => {
  database = await createTestDatabase();
  a = await buildTestApp({ database, readCacheTtlMs: HOUR });
  b = await buildTestApp({ database, readCacheTtlMs: HOUR });
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await database?.drop();
});

const detail = async (t: TestApp, slug: string) => (await t.app.inject({ url: `/api/cycles/${slug}` })).json();
const inCatalogue = async (t: TestApp, slug: string) =>
  (await t.app.inject({ url: '/api/cycles' })).json().items.find((c: { slug: string }) => c.slug === slug);

describe('two app processes on one database', () => {
  it("a sign-up through one is in the other's catalogue and cycle page", async () => {
    const { cycle } = await createCycle(database.db, { capacity: 5 });
    await b.app.cacheListener.sync();
    expect((await inCatalogue(b, cycle.slug)).seatsTaken).toBe(0);
    expect((await detail(b, cycle.slug)).seatsTaken).toBe(0);

    const res = await a.app.inject({ method: 'POST', url: `/api/cycles/${cycle.slug}/registrations`, payload: registrationBody() });
    expect(res.statusCode, res.body).toBe(201);
    // Every notification committed before this point has been applied by b (commit order).
    await b.app.cacheListener.sync();
    expect((await inCatalogue(b, cycle.slug)).seatsTaken).toBe(1);
    expect((await detail(b, cycle.slug)).seatsTaken).toBe(1);
  });

  it("an organiser's edit through one is in the other's answers, and only the changed cycle's page is recomputed", async () => {
    const org = await signedIn(a.app, database.db, 'organiser');
    const { cycle } = await createCycle(database.db);
    const other = (await createCycle(database.db)).cycle;
    await assign(database.db, cycle.id, org.account.id);
    await b.app.cacheListener.sync();
    await detail(b, cycle.slug);
    await detail(b, other.slug);

    const before = b.app.readCache.computations;
    const edit = await a.app.inject({
      method: 'PATCH',
      url: `/api/admin/cycles/${cycle.id}`,
      headers: org.headers,
      payload: { title: 'Mediazione interculturale' },
    });
    expect(edit.statusCode, edit.body).toBe(200);
    await b.app.cacheListener.sync();
    expect((await detail(b, cycle.slug)).title).toBe('Mediazione interculturale');
    expect((await detail(b, other.slug)).title).toBe(other.title);
    expect(b.app.readCache.computations - before).toBe(1);
  });
});

describe('the listening connection', () => {
  it('reconnects after being terminated, clears the cache and listens again', async () => {
    const { cycle } = await createCycle(database.db);
    await b.app.cacheListener.sync();
    await detail(b, cycle.slug);
    const cached = b.app.readCache.computations;
    await detail(b, cycle.slug);
    expect(b.app.readCache.computations).toBe(cached);

    const oldPid = b.app.cacheListener.pid();
    expect(oldPid).toEqual(expect.any(Number));
    const back = b.app.cacheListener.nextConnection();
    const killed = await sql<{ ok: boolean }>`SELECT pg_terminate_backend(${oldPid}) AS ok`.execute(database.db);
    expect(killed.rows[0]!.ok).toBe(true);
    await back;
    expect(b.app.cacheListener.pid()).not.toBe(oldPid);

    // Nothing was written, yet the entry is gone: what happened while nobody listened is unknown.
    await detail(b, cycle.slug);
    expect(b.app.readCache.computations).toBe(cached + 1);

    // And the new connection listens: a sign-up through a reaches b.
    const res = await a.app.inject({ method: 'POST', url: `/api/cycles/${cycle.slug}/registrations`, payload: registrationBody() });
    expect(res.statusCode, res.body).toBe(201);
    await b.app.cacheListener.sync();
    expect((await detail(b, cycle.slug)).seatsTaken).toBe(1);
    // The app kept answering throughout.
    expect((await b.app.inject({ url: '/api/health' })).statusCode).toBe(200);
  });
});
