// Finding 7: every answer carries the security headers (API, docs, feeds, downloads, pages), HSTS when
// PUBLIC_URL is https, and in production the API reference is for administrators only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { signedIn } from '../helpers/auth.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { expectErrorShape } from '../helpers/http.ts';

function expectHardened(res: { headers: Record<string, unknown> }, what: string) {
  expect(res.headers['x-content-type-options'], what).toBe('nosniff');
  expect(String(res.headers['content-security-policy'] ?? ''), what).toMatch(/frame-ancestors 'none'/);
}

async function get(app: FastifyInstance, url: string, headers: Record<string, string> = {}) {
  return app.inject({ method: 'GET', url, headers });
}

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database?.drop());

describe('security headers (development, http)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ database, web: true, env: { PUBLIC_URL: 'http://127.0.0.1:3999' } });
  }, 60_000);
  afterAll(async () => t?.close());

  it('are on the API, its docs, the feeds, the QR image, errors and the pages; no HSTS over http', async () => {
    const { cycle } = await createCycle(t.database.db);
    const signup = await t.app.inject({ method: 'POST', url: `/api/cycles/${cycle.slug}/registrations`, payload: registrationBody() });
    expect(signup.statusCode).toBe(201);
    expectHardened(signup, 'POST sign-up');
    const token = new URL(signup.json().registration.manageUrl).pathname.split('/').pop();
    for (const url of [
      '/api/health',
      '/api/cycles',
      `/api/cycles/${cycle.slug}`,
      '/api/docs/json',
      '/ical/catalogue.ics',
      `/ical/cycles/${cycle.slug}.ics`,
      `/api/registrations/${token}/qr`,
      '/api/cycles/does-not-exist',
      '/',
      `/cicli/${cycle.slug}`,
    ]) {
      const res = await get(t.app, url);
      expect(res.statusCode, url).toBeLessThan(500);
      expectHardened(res, url);
      expect(res.headers['strict-transport-security'], url).toBeUndefined();
    }
  });

  it('leave the docs page its own policy, which allows only its own scripts', async () => {
    const res = await get(t.app, '/api/docs');
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(String(res.headers['content-security-policy'])).toMatch(/script-src 'self'/);
  });
});

describe('production over https', () => {
  let t: TestApp;
  let open: TestApp;
  beforeAll(async () => {
    const env = { NODE_ENV: 'production', PUBLIC_URL: 'https://formazione.comune.example.it' };
    t = await buildTestApp({ database, env });
    open = await buildTestApp({ database, env: { ...env, API_DOCS_PUBLIC: '1' } });
  });
  afterAll(async () => {
    await t?.close();
    await open?.close();
  });

  it('sends HSTS', async () => {
    const res = await get(t.app, '/api/cycles');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d{8}/);
    expectHardened(res, '/api/cycles');
  });

  it('keeps /api/docs for administrators', async () => {
    for (const url of ['/api/docs', '/api/docs/json', '/api/docs/static/index.html']) {
      const anonymous = await get(t.app, url);
      expectErrorShape(anonymous.statusCode, anonymous.json(), { status: 401, code: 'unauthenticated' });
    }
    const organiser = await signedIn(t.app, t.database.db, 'organiser');
    const refused = await get(t.app, '/api/docs/json', { cookie: organiser.cookie });
    expectErrorShape(refused.statusCode, refused.json(), { status: 403, code: 'forbidden' });
    const admin = await signedIn(t.app, t.database.db, 'administrator');
    const ok = await get(t.app, '/api/docs/json', { cookie: admin.cookie });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().openapi).toMatch(/^3\./);
  });

  it('API_DOCS_PUBLIC=1 makes the docs public again', async () => {
    expect((await get(open.app, '/api/docs/json')).statusCode).toBe(200);
  });
});
