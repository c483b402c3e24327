// Finding 8 of the security issue: ADMIN_PASSWORD creates the first administrator and nothing more. A
// restart of the real server with the variable still set must not silently put back a password the
// administrator has since changed (whoever reads the deployment's environment would own the account);
// `npm run admin -- reset` is the way to reset it, and it refuses a common password too.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { freePort, startServer, runAdminCli } from '../helpers/server-process.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t?.close());

const DATA_DIR = '/tmp/officina-security-bootstrap';
const EMAIL = 'first.admin@officina.test';
const INITIAL = 'initial-Bootstrap-2027';
const CHANGED = 'changed-by-the-admin-Z9';

async function withServer<T>(fn: (base: string, output: () => string) => Promise<T>): Promise<T> {
  const port = await freePort();
  const server = await startServer({
    PORT: String(port),
    DATABASE_URL: t.database.url,
    DATA_DIR,
    DEMO_DATA: '0',
    SERVE_WEB: '0',
    SECRET_KEY: 'bootstrap-security-secret-bootstrap-security',
    ADMIN_EMAIL: EMAIL,
    ADMIN_PASSWORD: INITIAL,
  });
  try {
    return await fn(server.base, server.output);
  } finally {
    await server.stop();
  }
}

async function login(base: string, password: string) {
  return fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: EMAIL, password }),
  });
}

const cli = (args: string[]) => runAdminCli(t.database.url, args);

describe('ADMIN_PASSWORD at start-up', () => {
  afterAll(() => fs.rmSync(DATA_DIR, { recursive: true, force: true }));

  // Two start-ups of the real server: slow on a busy two-core machine.
  it('creates the administrator once, and a restart does not reset the password it changed since', { timeout: 240_000 }, async () => {
    await withServer(async (base) => {
      const res = await login(base, INITIAL);
      expect(res.status).toBe(200);
      const cookie = res.headers.getSetCookie()[0]!.split(';')[0]!;
      const { csrfToken } = (await res.json()) as { csrfToken: string };
      const changed = await fetch(`${base}/api/auth/password`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
        body: JSON.stringify({ currentPassword: INITIAL, newPassword: CHANGED }),
      });
      expect(changed.status).toBe(204);
    });

    // Same environment, ADMIN_PASSWORD still the initial one.
    await withServer(async (base, output) => {
      expect((await login(base, INITIAL)).status).toBe(401);
      expect((await login(base, CHANGED)).status).toBe(200);
      expect(output()).toContain(`administrator ${EMAIL} already exists`);
    });
  });

  it('`npm run admin -- reset` resets it, and refuses a common password', async () => {
    const weak = await cli(['reset', '--email', EMAIL, '--password', 'password1234']);
    expect(weak.code).toBe(2);
    expect(weak.stderr).toMatch(/common|guess/);
    const ok = await cli(['reset', '--email', EMAIL, '--password', 'reset-from-the-CLI-44']);
    expect(ok.code, ok.stderr).toBe(0);
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: EMAIL, password: 'reset-from-the-CLI-44' } });
    expect(res.statusCode).toBe(200);
  });
});
