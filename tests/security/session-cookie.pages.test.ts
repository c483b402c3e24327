// Finding 8 of the security issue, through the console pages (needs `npm run build`): in production the
// sign-in page hands the browser the API's `__Host-officina_session` cookie, and the pages forward that
// name and only that one, so a cookie planted under the old unprefixed name opens nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { createAccount } from '../helpers/auth.ts';

const ORIGIN = 'https://officina.test';
let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ web: true, env: { NODE_ENV: 'production', PUBLIC_URL: ORIGIN } });
});
afterAll(async () => t?.close());

describe('console pages in production', () => {
  it('sign in sets __Host-officina_session; the pages read that name and ignore the unprefixed one', async () => {
    const account = await createAccount(t.database.db);
    const res = await t.app.inject({
      method: 'POST',
      url: '/console/accedi',
      headers: { origin: ORIGIN, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ email: account.email, password: account.password, next: '/console' }).toString(),
    });
    expect(res.statusCode, res.body).toBe(303);
    const lines = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    const line = lines.find((l) => l.startsWith('__Host-officina_session='));
    expect(line, lines.join('\n')).toBeDefined();
    expect(line).toMatch(/; Secure/i);
    expect(line).toMatch(/; Path=\/(;|$)/i);
    expect(line).not.toMatch(/Domain=/i);
    expect(lines.some((l) => l.startsWith('officina_session='))).toBe(false);

    const value = line!.split(';')[0]!.split('=')[1]!;
    const page = await t.app.inject({ method: 'GET', url: '/console', headers: { cookie: `__Host-officina_session=${value}` } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Test organiser'); // "signed in as", from the session the page forwarded

    const planted = await t.app.inject({ method: 'GET', url: '/console', headers: { cookie: `officina_session=${value}` } });
    expect(planted.statusCode).toBe(303);
    expect(planted.headers.location).toMatch(/\/console\/accedi\?next=/);
  });
});
