// Finding 8 of the security issue (sessions and passwords to ASVS level 2), each as the attack or the
// misuse it closes: a session left idle past SESSION_IDLE_MINUTES is refused (a used one lives on); a
// short or common password is refused wherever an organiser's password is set; in production the
// session cookie carries the __Host- prefix, so a cookie planted without it is never read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { ensureBootstrapAdministrator } from '../../server/modules/accounts/accounts.service.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { createAccount, signInCookieOf, signIn, signedIn, type Session } from '../helpers/auth.ts';
import { expectErrorShape } from '../helpers/http.ts';

const MINUTE = 60_000;

describe('organiser session idle timeout (SESSION_IDLE_MINUTES)', () => {
  let now = new Date('2027-03-01T08:00:00Z');
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ clock: () => now, env: { SESSION_IDLE_MINUTES: '30' } });
  });
  afterAll(async () => t?.close());
  const me = (s: Session) => t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s.cookie } });
  const advance = (minutes: number) => (now = new Date(now.getTime() + minutes * MINUTE));

  it('refuses a session left idle for 31 minutes: 401 session_expired', async () => {
    const s = await signedIn(t.app, t.database.db);
    expect((await me(s)).statusCode).toBe(200);
    advance(31);
    const res = await me(s);
    expectErrorShape(res.statusCode, res.json(), { status: 401, code: 'session_expired' });
  });

  it('keeps alive a session used every 10 minutes, well past the idle limit', async () => {
    const s = await signedIn(t.app, t.database.db);
    for (let i = 0; i < 9; i++) {
      advance(10);
      expect((await me(s)).statusCode, `after ${(i + 1) * 10} minutes`).toBe(200);
    }
  });

  it('defaults to 30 minutes and refuses nonsense', () => {
    expect(loadConfig({}).sessionIdleMs).toBe(30 * MINUTE);
    expect(loadConfig({ SESSION_IDLE_MINUTES: '45' }).sessionIdleMs).toBe(45 * MINUTE);
    expect(() => loadConfig({ SESSION_IDLE_MINUTES: '0' })).toThrow(/SESSION_IDLE_MINUTES/);
  });
});

describe('organiser passwords: at least 12 characters, not a common one', () => {
  let t: TestApp;
  let admin: Session;
  beforeAll(async () => {
    t = await buildTestApp();
    admin = await signedIn(t.app, t.database.db, 'administrator');
  });
  afterAll(async () => t?.close());

  const ELEVEN = 'Xq7#vT2!mLp'; // random-looking, only one character short
  const COMMON = ['password1234', 'qwertyuiop12', '123456789012', 'iloveyou1234'];
  const create = (password: string, locale = 'it') =>
    t.app.inject({
      method: 'POST',
      url: '/api/admin/accounts',
      headers: { ...admin.headers, 'accept-language': locale },
      payload: { email: `new.${Math.random().toString(36).slice(2)}@comune.test`, name: 'Nuova Persona', role: 'organiser', password },
    });

  it('refuses an 11-character password on create, on change and on an administrator’s reset', async () => {
    const made = await create(ELEVEN);
    const body = expectErrorShape(made.statusCode, made.json(), { status: 400, code: 'validation_error' });
    expect(body.fields?.map((f) => f.field)).toContain('password');

    const s = await signedIn(t.app, t.database.db);
    const changed = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: s.headers,
      payload: { currentPassword: s.account.password, newPassword: ELEVEN },
    });
    expect(expectErrorShape(changed.statusCode, changed.json(), { status: 400, code: 'validation_error' }).fields?.map((f) => f.field)).toContain(
      'newPassword',
    );

    const reset = await t.app.inject({ method: 'PATCH', url: `/api/admin/accounts/${s.account.id}`, headers: admin.headers, payload: { password: ELEVEN } });
    expect(expectErrorShape(reset.statusCode, reset.json(), { status: 400, code: 'validation_error' }).fields?.map((f) => f.field)).toContain('password');
  });

  it('refuses common passwords on create, naming the field, in Italian and English', async () => {
    for (const password of COMMON) {
      const res = await create(password);
      const body = expectErrorShape(res.statusCode, res.json(), { status: 400, code: 'weak_password' });
      expect(body.fields).toEqual([{ field: 'password', message: expect.any(String) }]);
      expect(body.message, password).toMatch(/password.*(comune|indovinare)/i);
    }
    const en = await create('qwertyuiop12', 'en');
    expect(en.json()).toMatchObject({ code: 'weak_password' });
    expect(en.json().message).toMatch(/password.*(common|guess)/i);
    const rows = await t.database.db.selectFrom('accounts').select('email').where('email', 'like', 'new.%').execute();
    expect(rows).toEqual([]);
  });

  it('refuses common passwords on change and on an administrator’s reset; the old password still works', async () => {
    const account = await createAccount(t.database.db);
    const s = await signIn(t.app, account);
    for (const password of COMMON) {
      const changed = await t.app.inject({
        method: 'POST',
        url: '/api/auth/password',
        headers: s.headers,
        payload: { currentPassword: account.password, newPassword: password },
      });
      const body = expectErrorShape(changed.statusCode, changed.json(), { status: 400, code: 'weak_password' });
      expect(body.fields?.[0]?.field).toBe('newPassword');
      const reset = await t.app.inject({ method: 'PATCH', url: `/api/admin/accounts/${account.id}`, headers: admin.headers, payload: { password } });
      expectErrorShape(reset.statusCode, reset.json(), { status: 400, code: 'weak_password' });
    }
    // Nothing changed: the session is alive and the old password signs in.
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s.cookie } })).statusCode).toBe(200);
    await signIn(t.app, account, '192.0.2.8');
  });

  it('accepts a long uncommon password', async () => {
    const res = await create('Ciao-Lombardia-88');
    expect(res.statusCode, res.body).toBe(201);
  });

  it('ADMIN_PASSWORD: under 12 characters stops start-up; a common one creates no administrator', async () => {
    const env = { ADMIN_EMAIL: 'root@comune.test' };
    expect(() => loadConfig({ ...env, ADMIN_PASSWORD: ELEVEN })).toThrow(ConfigError);
    expect(() => loadConfig({ ...env, ADMIN_PASSWORD: ELEVEN })).toThrow(/ADMIN_PASSWORD/);
    await expect(ensureBootstrapAdministrator(t.database.db, 'root@comune.test', 'password1234')).rejects.toThrow(/ADMIN_PASSWORD/);
    expect(await t.database.db.selectFrom('accounts').select('id').where('email', '=', 'root@comune.test').executeTakeFirst()).toBeUndefined();
  });
});

describe('session cookie in production: __Host- prefix', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ env: { NODE_ENV: 'production', PUBLIC_URL: 'https://officina.test' } });
  });
  afterAll(async () => t?.close());

  it('is __Host-officina_session; Secure; Path=/ with no Domain, and a cookie without the prefix is not read', async () => {
    const account = await createAccount(t.database.db);
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: account.email, password: account.password } });
    expect(res.statusCode).toBe(200);
    const line = String(res.headers['set-cookie']);
    expect(line).toMatch(/^__Host-officina_session=[A-Za-z0-9_-]{43};/);
    expect(line).toMatch(/; Secure/);
    expect(line).toMatch(/; Path=\/(;|$)/);
    expect(line).toMatch(/; HttpOnly/);
    expect(line).not.toMatch(/Domain=/i);

    const pair = signInCookieOf(res.headers['set-cookie'])!;
    const value = pair.split('=')[1]!;
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: pair } })).statusCode).toBe(200);
    // The same id under the unprefixed name (as a sibling subdomain could plant it): not a session.
    const planted = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: `officina_session=${value}` } });
    expectErrorShape(planted.statusCode, planted.json(), { status: 401, code: 'unauthenticated' });

    const out = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: pair, 'x-csrf-token': res.json().csrfToken } });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/^__Host-officina_session=;.*Secure/);
  });
});
