// The ADMIN_EMAIL/ADMIN_PASSWORD bootstrap (as a function and through the real server process) and
// the `npm run admin` command line, run as a child process against a test database via DATABASE_URL.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBootstrapAdministrator } from '../../server/modules/accounts/accounts.service.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { createAccount, signIn } from '../helpers/auth.ts';
import { freePort, startServer, runAdminCli } from '../helpers/server-process.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t?.close());

const login = (email: string, password: string) =>
  t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password }, remoteAddress: `198.51.100.${Math.floor(Math.random() * 250)}` });

async function accountRow(email: string) {
  return t.database.db.selectFrom('accounts').selectAll().where('email', '=', email).executeTakeFirst();
}

describe('ADMIN_EMAIL bootstrap', () => {
  it('creates the administrator, then never touches the account again', async () => {
    const email = 'Boot.Admin@Officina.test';
    const first = await ensureBootstrapAdministrator(t.database.db, email, 'first-password-123');
    expect(first).toMatchObject({ created: true });
    const row = (await accountRow('boot.admin@officina.test'))!;
    expect(row).toMatchObject({ role: 'administrator', active: true });
    expect(row.password_hash).toMatch(/^\$argon2id\$/);

    const session = await signIn(t.app, { id: row.id, email: row.email, password: 'first-password-123', role: 'administrator' });
    // A restart with the same settings writes nothing and keeps the session.
    expect(await ensureBootstrapAdministrator(t.database.db, email, 'first-password-123')).toEqual({ id: row.id, created: false });
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: session.cookie } })).statusCode).toBe(200);

    // Demoted and deactivated meanwhile, and a new ADMIN_PASSWORD: the account stays as the
    // administrators left it (`npm run admin -- reset` is the way back).
    await t.database.db.updateTable('accounts').set({ active: false, role: 'organiser' }).where('id', '=', row.id).execute();
    expect(await ensureBootstrapAdministrator(t.database.db, email, 'second-password-456')).toEqual({ id: row.id, created: false });
    expect(await accountRow(row.email)).toMatchObject({ role: 'organiser', active: false, password_hash: row.password_hash });
    await t.database.db.updateTable('accounts').set({ active: true }).where('id', '=', row.id).execute();
    expect((await login(row.email, 'second-password-456')).statusCode).toBe(401);
    expect((await login(row.email, 'first-password-123')).statusCode).toBe(200);
  });

  it('runs at start-up of the real server (DATABASE_URL set)', async () => {
    const port = await freePort();
    const server = await startServer({
      PORT: String(port),
      DATABASE_URL: t.database.url,
      DATA_DIR: '/tmp/officina-bootstrap-test',
      DEMO_DATA: '0',
      SECRET_KEY: 'bootstrap-test-secret-bootstrap-test-secret',
      ADMIN_EMAIL: 'started@officina.test',
      ADMIN_PASSWORD: 'started-password-789',
      LOG_LEVEL: 'warn',
    });
    try {
      const res = await fetch(`${server.base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'started@officina.test', password: 'started-password-789' }),
      });
      expect(res.status).toBe(200);
      expect((await res.json()).account.role).toBe('administrator');
    } finally {
      await server.stop();
      fs.rmSync('/tmp/officina-bootstrap-test', { recursive: true, force: true });
    }
  });
});

const cli = (args: string[], stdin?: string) => runAdminCli(t.database.url, args, stdin);

describe('npm run admin', () => {
  it('create: generates and prints a password when none is given', async () => {
    const r = await cli(['create', '--email', 'Anna.Bianchi@Comune.test', '--name', 'Anna Bianchi', '--role', 'organiser']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('created organiser anna.bianchi@comune.test');
    const password = /password: (\S+)/.exec(r.stdout)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const res = await login('anna.bianchi@comune.test', password!);
    expect(res.statusCode).toBe(200);
    expect(res.json().account).toMatchObject({ name: 'Anna Bianchi', role: 'organiser' });
  });

  it('create: takes --password, refuses a duplicate address, a missing role and a short password', async () => {
    const ok = await cli(['create', '--email', 'marco@comune.test', '--name', 'Marco', '--role', 'administrator', '--password', 'marco-password-1']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).not.toContain('password:');
    expect((await login('marco@comune.test', 'marco-password-1')).json().account.role).toBe('administrator');

    const dup = await cli(['create', '--email', 'MARCO@comune.test', '--name', 'Marco', '--role', 'organiser']);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain('already exists');
    const noRole = await cli(['create', '--email', 'x@comune.test', '--name', 'X']);
    expect(noRole.code).toBe(2);
    expect(noRole.stderr).toContain('--role');
    const short = await cli(['create', '--email', 'y@comune.test', '--name', 'Y', '--role', 'organiser', '--password', 'short']);
    expect(short.code).toBe(2);
    expect(await accountRow('x@comune.test')).toBeUndefined();
    expect(await accountRow('y@comune.test')).toBeUndefined();
  });

  it('reset: sets a new password (from stdin), re-activates the account and ends its sessions', async () => {
    const account = await createAccount(t.database.db, { email: 'lost@comune.test' });
    const session = await signIn(t.app, account);
    await t.database.db.updateTable('accounts').set({ active: false }).where('id', '=', account.id).execute();

    const r = await cli(['reset', '--email', 'lost@comune.test', '--password-stdin'], 'a-new-password-42\n');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('password reset');
    expect((await accountRow('lost@comune.test'))!.active).toBe(true);
    expect((await login('lost@comune.test', account.password)).statusCode).toBe(401);
    expect((await login('lost@comune.test', 'a-new-password-42')).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: session.cookie } })).statusCode).toBe(401);

    const generated = await cli(['reset', '--email', 'lost@comune.test']);
    expect(generated.code).toBe(0);
    const password = /password: (\S+)/.exec(generated.stdout)?.[1];
    expect((await login('lost@comune.test', password!)).statusCode).toBe(200);
  });

  it('reset of an unknown address and unknown commands fail with usage', async () => {
    const r = await cli(['reset', '--email', 'ghost@comune.test']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no account');
    const u = await cli(['frobnicate']);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('usage');
  });
});
