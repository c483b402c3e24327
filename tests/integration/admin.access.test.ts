// Every /api/admin route, found by walking the app's route table (not a hand-written list), answers
// 401 without a session and 403 to an organiser who does not run the cycle its ids belong to; the
// organiser who does run it gets through. Then targeted IDOR attempts across two cycles.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { assign, signedIn, type Session } from '../helpers/auth.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';
import { expectErrorShape } from '../helpers/http.ts';

interface Route {
  method: string;
  url: string;
}

/** Every (method, full path) from app.printRoutes(), HEAD excluded (it mirrors GET). */
function routeTable(app: FastifyInstance): Route[] {
  const out: Route[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    const url = stack.join('');
    for (const method of (m[3] ?? '').split(', ').filter(Boolean)) if (method !== 'HEAD') out.push({ method, url });
  }
  return out;
}

// Routes any signed-in organiser may call because they name no object: they only ever show or create
// the caller's own things (checked below). Everything else must refuse an organiser from outside.
const OPEN_TO_ORGANISERS = new Set(['GET /api/admin/cycles', 'POST /api/admin/cycles', 'GET /api/admin/themes', 'GET /api/admin/sessions/today']);
// Administrators only, whatever the ids ("METHOD /path": reading themes is for everyone, changing them is not).
const ADMIN_ONLY = /^(?:[A-Z]+ \/api\/admin\/(?:accounts|cycles\/:id\/organisers|themes\/)|POST \/api\/admin\/themes$)/;

let t: TestApp;
let routes: Route[];
let admin: Session;
let orgA: Session;
let orgB: Session;
const a = { cycleId: '', slug: '', sessionId: '', registrationId: '', materialId: '' };
const b = { cycleId: '', slug: '', sessionId: '', registrationId: '', materialId: '' };

async function fixture(target: typeof a, org: Session) {
  const { cycle, sessions } = await createCycle(t.database.db, { capacity: 5, sessionDays: [7, 14] });
  const reg = await t.app.inject({ method: 'POST', url: `/api/cycles/${cycle.slug}/registrations`, payload: registrationBody() });
  expect(reg.statusCode).toBe(201);
  // The first meeting is already under way, so check-in and attendance routes have something to act on.
  await t.database.db
    .updateTable('sessions')
    .set({ starts_at: new Date(Date.now() - 3_600_000), ends_at: new Date(Date.now() + 3_600_000) })
    .where('id', '=', sessions[0]!.id)
    .execute();
  const material = await t.database.db
    .insertInto('materials')
    .values({ cycle_id: cycle.id, session_id: sessions[0]!.id, title: 'Slide', kind: 'link', visibility: 'registered', url: 'https://example.org/slide' })
    .returning('id')
    .executeTakeFirstOrThrow();
  Object.assign(target, {
    cycleId: cycle.id,
    slug: cycle.slug,
    sessionId: sessions[0]!.id,
    registrationId: reg.json().registration.id,
    materialId: material.id,
  });
  await assign(t.database.db, cycle.id, org.account.id);
}

/** The route's path with each param replaced by the id of that kind of object in `of`. */
function fill(route: Route, of: typeof a, accountId: string): string {
  return route.url.replace(/:(\w+)/g, (_, name: string, offset: number) => {
    const before = route.url.slice(0, offset);
    if (name === 'registrationId') return of.registrationId;
    if (name === 'accountId') return accountId;
    if (name === 'id' && before.endsWith('/cycles/')) return of.cycleId;
    if (name === 'id' && before.endsWith('/sessions/')) return of.sessionId;
    if (name === 'id' && before.endsWith('/registrations/')) return of.registrationId;
    if (name === 'id' && before.endsWith('/accounts/')) return accountId;
    if (name === 'id' && before.endsWith('/materials/')) return of.materialId;
    if (name === 'slug' && before.endsWith('/themes/')) return 'no-such-theme';
    throw new Error(`unknown parameter :${name} in ${route.method} ${route.url}: teach this test what it names`);
  });
}

const call = (route: Route, url: string, headers: Record<string, string>) =>
  t.app.inject({ method: route.method as 'GET', url, headers, ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: {} }) });

beforeAll(async () => {
  t = await buildTestApp();
  routes = routeTable(t.app).filter((r) => r.url.startsWith('/api/admin'));
  admin = await signedIn(t.app, t.database.db, 'administrator');
  orgA = await signedIn(t.app, t.database.db, 'organiser');
  orgB = await signedIn(t.app, t.database.db, 'organiser');
  await fixture(a, orgA);
  await fixture(b, orgB);
});
afterAll(async () => t?.close());

describe('every /api/admin route', () => {
  it('is found in the route table (the table is not empty and holds the contract’s routes)', () => {
    const keys = routes.map((r) => `${r.method} ${r.url}`);
    expect(keys.length).toBeGreaterThanOrEqual(20);
    for (const k of [
      'POST /api/admin/cycles',
      'PATCH /api/admin/cycles/:id',
      'POST /api/admin/cycles/:id/sessions',
      'PATCH /api/admin/sessions/:id',
      'GET /api/admin/cycles/:id/registrations',
      'PUT /api/admin/sessions/:id/attendance/:registrationId',
      'GET /api/admin/sessions/:id/check-in-code',
      'GET /api/admin/cycles/:id/export.csv',
    ]) {
      expect(keys).toContain(k);
    }
  });

  it('answers 401 without a session and with a dead one', async () => {
    for (const route of routes) {
      for (const headers of [{}, { cookie: 'officina_session=' + 'A'.repeat(43) }] as Record<string, string>[]) {
        const res = await call(route, fill(route, a, orgA.account.id), headers);
        expect(res.statusCode, `${route.method} ${route.url}`).toBe(401);
        expectErrorShape(res.statusCode, res.json(), { code: 'unauthenticated' });
      }
    }
  });

  it('answers 403 to an organiser who does not run the cycle of the ids (or to any organiser when administrators-only)', async () => {
    let checked = 0;
    for (const route of routes) {
      const key = `${route.method} ${route.url}`;
      if (OPEN_TO_ORGANISERS.has(key)) continue;
      const res = await call(route, fill(route, a, orgA.account.id), orgB.headers);
      expect(res.statusCode, `${key} as organiser B on cycle A: ${res.body}`).toBe(403);
      expectErrorShape(res.statusCode, res.json(), { code: 'forbidden' });
      checked += 1;
    }
    expect(checked).toBe(routes.length - OPEN_TO_ORGANISERS.size);
  });

  it('lets the organiser who runs the cycle through (no 401/403), and administrators everywhere', async () => {
    for (const route of routes) {
      const key = `${route.method} ${route.url}`;
      // Cancelling the registration is left to the last request so the other routes still see it.
      // These would remove the object the following routes act on; they are proven separately.
      if (key === 'POST /api/admin/registrations/:id/cancel' || key === 'DELETE /api/admin/materials/:id') continue;
      const asA = await call(route, fill(route, a, orgA.account.id), orgA.headers);
      if (ADMIN_ONLY.test(key)) {
        expect(asA.statusCode, key).toBe(403);
      } else {
        expect([401, 403], `${key} as organiser A: ${asA.body}`).not.toContain(asA.statusCode);
        expect(asA.statusCode, `${key}: ${asA.body}`).toBeLessThan(500);
      }
      const asAdmin = await call(route, fill(route, b, orgB.account.id), admin.headers);
      expect([401, 403], `${key} as administrator: ${asAdmin.body}`).not.toContain(asAdmin.statusCode);
      expect(asAdmin.statusCode, `${key}: ${asAdmin.body}`).toBeLessThan(500);
    }
    const cancel = await t.app.inject({ method: 'POST', url: `/api/admin/registrations/${a.registrationId}/cancel`, headers: orgA.headers });
    expect(cancel.statusCode).toBe(200);
  });

  it('answers 403 (organiser) and 404 (administrator) for ids that do not exist or are malformed, never 500', async () => {
    const ghost = {
      cycleId: crypto.randomUUID(),
      slug: '',
      sessionId: crypto.randomUUID(),
      registrationId: crypto.randomUUID(),
      materialId: crypto.randomUUID(),
    };
    const junk = { cycleId: 'nope', slug: '', sessionId: '1%20OR%201=1', registrationId: "'", materialId: 'not-a-uuid' };
    for (const route of routes.filter((r) => r.url.includes(':') && !ADMIN_ONLY.test(`${r.method} ${r.url}`))) {
      for (const ids of [ghost, junk]) {
        const url = fill(route, ids, crypto.randomUUID());
        const asA = await call(route, url, orgA.headers);
        expect(asA.statusCode, `${route.method} ${url}`).toBe(403);
        const asAdmin = await call(route, url, admin.headers);
        expect(asAdmin.statusCode, `${route.method} ${url} as admin: ${asAdmin.body}`).toBe(404);
        expectErrorShape(asAdmin.statusCode, asAdmin.json(), { code: 'not_found' });
      }
    }
  });
});

describe('IDOR across cycles', () => {
  it('organiser A does not see cycle B in the list, and a new draft is A’s only', async () => {
    const list = await t.app.inject({ method: 'GET', url: '/api/admin/cycles', headers: { cookie: orgA.cookie } });
    const ids = list.json().items.map((c: { id: string }) => c.id);
    expect(ids).toContain(a.cycleId);
    expect(ids).not.toContain(b.cycleId);
    const all = await t.app.inject({ method: 'GET', url: '/api/admin/cycles', headers: { cookie: admin.cookie } });
    expect(all.json().items.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining([a.cycleId, b.cycleId]));
  });

  it('organiser A can’t change cycle B, its sessions or registrations: nothing is written', async () => {
    const before = await t.database.db.selectFrom('cycles').select(['title', 'capacity', 'publication']).where('id', '=', b.cycleId).executeTakeFirstOrThrow();
    const sessionBefore = await t.database.db.selectFrom('sessions').selectAll().where('id', '=', b.sessionId).executeTakeFirstOrThrow();
    // The administrator's walk above marked B's people ("everyone present" has no body to refuse): start clean.
    await t.database.db.deleteFrom('attendance').where('registration_id', '=', b.registrationId).execute();
    const attempts = [
      { method: 'PATCH', url: `/api/admin/cycles/${b.cycleId}`, payload: { title: 'Preso!', capacity: 99, publication: 'draft' } },
      { method: 'PATCH', url: `/api/admin/sessions/${b.sessionId}`, payload: { status: 'cancelled' } },
      {
        method: 'POST',
        url: `/api/admin/cycles/${b.cycleId}/sessions`,
        payload: { title: 'X', startsAt: '2030-01-01T10:00:00+01:00', endsAt: '2030-01-01T12:00:00+01:00' },
      },
      { method: 'POST', url: `/api/admin/registrations/${b.registrationId}/cancel` },
      { method: 'POST', url: `/api/admin/cycles/${b.cycleId}/registrations`, payload: { ...registrationBody(), source: 'walk_in' } },
      // A's own session with B's registration: the registration gives it away.
      { method: 'PUT', url: `/api/admin/sessions/${a.sessionId}/attendance/${b.registrationId}`, payload: { present: true } },
      { method: 'PUT', url: `/api/admin/sessions/${b.sessionId}/attendance/${b.registrationId}`, payload: { present: true } },
      { method: 'POST', url: `/api/admin/sessions/${b.sessionId}/check-in/qr`, payload: { qr: 'x' } },
      { method: 'POST', url: `/api/admin/sessions/${b.sessionId}/attendance/all-present` },
    ] as const;
    for (const attempt of attempts) {
      const res = await t.app.inject({ ...attempt, headers: orgA.headers } as never);
      expect(res.statusCode, `${attempt.method} ${attempt.url}`).toBe(403);
    }
    expect(await t.database.db.selectFrom('cycles').select(['title', 'capacity', 'publication']).where('id', '=', b.cycleId).executeTakeFirstOrThrow()).toEqual(
      before,
    );
    expect(await t.database.db.selectFrom('sessions').selectAll().where('id', '=', b.sessionId).executeTakeFirstOrThrow()).toEqual(sessionBefore);
    expect(await t.database.db.selectFrom('sessions').select('id').where('cycle_id', '=', b.cycleId).execute()).toHaveLength(2);
    const reg = await t.database.db.selectFrom('registrations').select('status').where('id', '=', b.registrationId).executeTakeFirstOrThrow();
    expect(reg.status).toBe('confirmed');
    expect(await t.database.db.selectFrom('registrations').select('id').where('cycle_id', '=', b.cycleId).execute()).toHaveLength(1);
    expect(await t.database.db.selectFrom('attendance').select('session_id').where('registration_id', '=', b.registrationId).execute()).toHaveLength(0);
  });

  it('organiser A can’t read B’s registrations, roster, code, export or stats', async () => {
    for (const url of [
      `/api/admin/cycles/${b.cycleId}`,
      `/api/admin/cycles/${b.cycleId}/registrations`,
      `/api/admin/sessions/${b.sessionId}/attendance`,
      `/api/admin/sessions/${b.sessionId}/check-in-code`,
      `/api/admin/cycles/${b.cycleId}/export.csv`,
      `/api/admin/cycles/${b.cycleId}/stats`,
    ]) {
      const res = await t.app.inject({ method: 'GET', url, headers: { cookie: orgA.cookie } });
      expect(res.statusCode, url).toBe(403);
      expect(res.body).not.toContain(b.slug);
    }
  });

  it('an administrator mixing a session of one cycle with a registration of another gets 404', async () => {
    const res = await t.app.inject({
      method: 'PUT',
      url: `/api/admin/sessions/${a.sessionId}/attendance/${b.registrationId}`,
      headers: admin.headers,
      payload: { present: true },
    });
    expectErrorShape(res.statusCode, res.json(), { status: 404, code: 'not_found' });
  });

  it('an organiser running both cycles still can’t mix their objects (404)', async () => {
    await assign(t.database.db, b.cycleId, orgA.account.id);
    try {
      const res = await t.app.inject({
        method: 'PUT',
        url: `/api/admin/sessions/${a.sessionId}/attendance/${b.registrationId}`,
        headers: orgA.headers,
        payload: { present: true },
      });
      expect(res.statusCode).toBe(404);
    } finally {
      await t.database.db.deleteFrom('cycle_organisers').where('cycle_id', '=', b.cycleId).where('account_id', '=', orgA.account.id).execute();
    }
  });

  it('losing the assignment takes effect on the next request', async () => {
    const org = await signedIn(t.app, t.database.db, 'organiser');
    await assign(t.database.db, b.cycleId, org.account.id);
    expect((await t.app.inject({ method: 'GET', url: `/api/admin/cycles/${b.cycleId}`, headers: { cookie: org.cookie } })).statusCode).toBe(200);
    const del = await t.app.inject({ method: 'DELETE', url: `/api/admin/cycles/${b.cycleId}/organisers/${org.account.id}`, headers: admin.headers });
    expect(del.statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: `/api/admin/cycles/${b.cycleId}`, headers: { cookie: org.cookie } })).statusCode).toBe(403);
  });
});
