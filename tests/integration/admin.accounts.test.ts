// Account management by administrators: create (with a generated password), list with cycles, change
// role, deactivate, set a password; the last active administrator can't be removed; assignment of
// organisers to cycles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { signIn, signedIn, type Session } from '../helpers/auth.ts';
import { createCycle } from '../helpers/factories.ts';
import { expectErrorShape } from '../helpers/http.ts';

let t: TestApp;
let admin: Session;
beforeAll(async () => {
  t = await buildTestApp();
  admin = await signedIn(t.app, t.database.db, 'administrator');
});
afterAll(async () => t?.close());

const req = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: object, s = admin) =>
  t.app.inject({ method, url, headers: method === 'GET' ? { cookie: s.cookie } : s.headers, ...(payload ? { payload } : {}) });

describe('accounts', () => {
  it('creates an organiser with a generated password that works once, and refuses the same address again', async () => {
    const res = await req('POST', '/api/admin/accounts', { email: 'Laura.Verdi@Comune.test', name: 'Laura Verdi', role: 'organiser' });
    expect(res.statusCode, res.body).toBe(201);
    const { account, password } = res.json();
    expect(account).toMatchObject({ email: 'laura.verdi@comune.test', name: 'Laura Verdi', role: 'organiser', active: true, lastLoginAt: null, cycles: [] });
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(res.headers['cache-control']).toBe('no-store');
    const s = await signIn(t.app, { id: account.id, email: account.email, password, role: 'organiser' });
    expect(s.csrf).toBeTruthy();
    const dup = await req('POST', '/api/admin/accounts', { email: 'laura.verdi@comune.test', name: 'L', role: 'organiser' });
    expectErrorShape(dup.statusCode, dup.json(), { status: 409, code: 'email_taken' });
    const short = await req('POST', '/api/admin/accounts', { email: 'x@comune.test', name: 'X', role: 'organiser', password: 'short' });
    expectErrorShape(short.statusCode, short.json(), { status: 400, code: 'validation_error' });
  });

  it('lists accounts with the cycles they run, and assigns/unassigns organisers', async () => {
    const org = await signedIn(t.app, t.database.db, 'organiser');
    const { cycle } = await createCycle(t.database.db);
    const put = await req('PUT', `/api/admin/cycles/${cycle.id}/organisers/${org.account.id}`);
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().organisers.map((o: { id: string }) => o.id)).toEqual([org.account.id]);
    // Idempotent.
    expect((await req('PUT', `/api/admin/cycles/${cycle.id}/organisers/${org.account.id}`)).statusCode).toBe(200);
    const listed = (await req('GET', '/api/admin/accounts')).json().items.find((a: { id: string }) => a.id === org.account.id);
    expect(listed.cycles).toEqual([{ id: cycle.id, slug: cycle.slug, title: cycle.title }]);
    expect((await req('GET', `/api/admin/cycles/${cycle.id}`, undefined, org)).statusCode).toBe(200);

    const unknown = await req('PUT', `/api/admin/cycles/${cycle.id}/organisers/${crypto.randomUUID()}`);
    expectErrorShape(unknown.statusCode, unknown.json(), { status: 404 });
    expect((await req('DELETE', `/api/admin/cycles/${cycle.id}/organisers/${org.account.id}`)).statusCode).toBe(204);
    expect((await req('DELETE', `/api/admin/cycles/${cycle.id}/organisers/${org.account.id}`)).statusCode).toBe(404);
  });

  it('changes role and password; a new password ends the account’s sessions', async () => {
    const org = await signedIn(t.app, t.database.db, 'organiser');
    const promoted = await req('PATCH', `/api/admin/accounts/${org.account.id}`, { role: 'administrator', name: 'Nuovo nome' });
    expect(promoted.json()).toMatchObject({ role: 'administrator', name: 'Nuovo nome' });
    // The role is read with the session: the next request already may do administrator things.
    expect((await req('GET', '/api/admin/accounts', undefined, org)).statusCode).toBe(200);
    const pw = await req('PATCH', `/api/admin/accounts/${org.account.id}`, { password: 'nuova-password-123' });
    expect(pw.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: org.cookie } })).statusCode).toBe(401);
    expect((await signIn(t.app, { ...org.account, password: 'nuova-password-123' })).cookie).toBeTruthy();
    const empty = await req('PATCH', `/api/admin/accounts/${org.account.id}`, {});
    expectErrorShape(empty.statusCode, empty.json(), { status: 400, code: 'validation_error' });
    expect((await req('GET', `/api/admin/accounts/${crypto.randomUUID()}`)).statusCode).toBe(404);
  });

  it('keeps at least one active administrator', async () => {
    const solo = await buildTestApp();
    try {
      const only = await signedIn(solo.app, solo.database.db, 'administrator');
      for (const change of [{ active: false }, { role: 'organiser' }]) {
        const res = await solo.app.inject({ method: 'PATCH', url: `/api/admin/accounts/${only.account.id}`, headers: only.headers, payload: change });
        expectErrorShape(res.statusCode, res.json(), { status: 409, code: 'last_administrator' });
      }
      const second = await signedIn(solo.app, solo.database.db, 'administrator');
      const res = await solo.app.inject({
        method: 'PATCH',
        url: `/api/admin/accounts/${only.account.id}`,
        headers: second.headers,
        payload: { active: false },
      });
      expect(res.statusCode).toBe(200);
    } finally {
      await solo.close();
    }
  });

  it('is for administrators only', async () => {
    const org = await signedIn(t.app, t.database.db, 'organiser');
    for (const [method, url] of [
      ['GET', '/api/admin/accounts'],
      ['POST', '/api/admin/accounts'],
      ['PATCH', `/api/admin/accounts/${org.account.id}`],
    ] as const) {
      const res = await req(method, url, method === 'GET' ? undefined : { role: 'administrator', email: 'me@x.test', name: 'Me' }, org);
      expectErrorShape(res.statusCode, res.json(), { status: 403, code: 'forbidden' });
    }
    const row = await t.database.db.selectFrom('accounts').select('role').where('id', '=', org.account.id).executeTakeFirstOrThrow();
    expect(row.role).toBe('organiser');
  });
});
