// The OpenAPI document is generated from the routes' zod schemas and served; unknown addresses under
// /api answer the contract's 404.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { expectErrorShape } from '../helpers/http.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t?.close());

describe('GET /api/docs/json', () => {
  it('is an OpenAPI 3 document with the public paths of docs/http-api.md and their schemas', async () => {
    const res = await t.app.inject({ url: '/api/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info.title).toBe('Officina API');
    expect(doc.servers).toEqual([{ url: 'http://officina.test' }]);

    const expected: [string, string][] = [
      ['/api/health', 'get'],
      ['/api/cycles', 'get'],
      ['/api/cycles/{slug}', 'get'],
      ['/api/cycles/{slug}/registrations', 'post'],
      ['/api/registrations/{token}', 'get'],
      ['/api/registrations/{token}/cancel', 'post'],
    ];
    for (const [p, method] of expected) expect(doc.paths[p]?.[method], `${method.toUpperCase()} ${p}`).toBeDefined();

    const register = doc.paths['/api/cycles/{slug}/registrations'].post;
    const body = register.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(expect.arrayContaining(['firstName', 'lastName', 'email', 'organisation', 'consent']));
    expect(Object.keys(body.properties)).toEqual(
      expect.arrayContaining(['firstName', 'lastName', 'email', 'organisation', 'role', 'network', 'consent', 'locale']),
    );
    expect(Object.keys(register.responses)).toEqual(expect.arrayContaining(['201', '400', '404', '409']));
    const registration = register.responses['201'].content['application/json'].schema.properties.registration;
    expect(Object.keys(registration.properties)).toEqual(expect.arrayContaining(['id', 'status', 'waitlistPosition', 'manageUrl', 'calendarUrl']));
    expect(JSON.stringify(doc)).not.toMatch(/token_hash|seats_taken/);

    const error = register.responses['409'].content['application/json'].schema;
    expect(error.required).toEqual(expect.arrayContaining(['statusCode', 'code', 'message']));
    const health = doc.paths['/api/health'].get.responses;
    expect(Object.keys(health)).toEqual(expect.arrayContaining(['200', '503']));
  });

  it('the human-readable page is served at /api/docs', async () => {
    const res = await t.app.inject({ url: '/api/docs' });
    expect([200, 302]).toContain(res.statusCode);
    const page = res.statusCode === 302 ? await t.app.inject({ url: res.headers.location as string }) : res;
    expect(page.headers['content-type']).toMatch(/text\/html/);
  });
});

describe('unknown addresses', () => {
  it.each([
    ['GET', '/api/nope'],
    ['GET', '/api/cycles/x/y/z'],
    ['DELETE', '/api/cycles'],
    ['POST', '/api/registrations'],
    ['PUT', '/api/registrations/AAAA/cancel'],
    ['GET', '/api/'],
    ['GET', '/api'],
    ['GET', '/api/%ZZ'],
    ['GET', `/api/cycles/${'x'.repeat(300)}`],
  ])('%s %s is 404 with the error shape', async (method, url) => {
    const res = await t.app.inject({ method: method as 'GET', url });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expectErrorShape(res.statusCode, res.json(), { code: 'not_found' });
  });

  it('says where in the request language', async () => {
    const it_ = await t.app.inject({ url: '/api/nope' });
    expect(it_.json().message).toBe('Nessuna risorsa a questo indirizzo (GET /api/nope).');
    const en = await t.app.inject({ url: '/api/nope?x=1', headers: { 'accept-language': 'en' } });
    expect(en.json().message).toBe('Nothing at this address (GET /api/nope).');
  });

  it('a bad query parameter is a validation error naming it', async () => {
    const res = await t.app.inject({ url: '/api/cycles?when=someday' });
    const body = expectErrorShape(res.statusCode, res.json(), { status: 400, code: 'validation_error' });
    expect(body.message).toContain('when');
  });
});
