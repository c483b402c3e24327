// Accounts and signed-in sessions for tests: accounts are written straight into the test database
// (real argon2id hashes), sign-in goes through the real POST /api/auth/login.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import type { AccountRole, Database } from '../../db/schema.ts';
import { hashPassword } from '../../server/modules/accounts/passwords.ts';

export interface TestAccount {
  id: string;
  email: string;
  password: string;
  role: AccountRole;
}

export interface Session {
  account: TestAccount;
  cookie: string;
  csrf: string;
  /** Headers for a state-changing request: the cookie and the CSRF token. */
  headers: Record<string, string>;
}

export async function createAccount(
  db: Kysely<Database>,
  spec: { role?: AccountRole; email?: string; name?: string; password?: string; active?: boolean } = {},
): Promise<TestAccount> {
  const role = spec.role ?? 'organiser';
  const email = spec.email ?? `${role}.${randomBytes(4).toString('hex')}@officina.test`;
  const password = spec.password ?? `pw-${randomBytes(9).toString('base64url')}`;
  const row = await db
    .insertInto('accounts')
    .values({ email, name: spec.name ?? `Test ${role}`, role, password_hash: await hashPassword(password), active: spec.active ?? true })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, email, password, role };
}

export async function assign(db: Kysely<Database>, cycleId: string, accountId: string) {
  await db.insertInto('cycle_organisers').values({ cycle_id: cycleId, account_id: accountId }).execute();
}

/** The sign-in cookie's `name=value` pair from a response's Set-Cookie (`__Host-` in production), or undefined. */
export function signInCookieOf(setCookie: string | string[] | undefined): string | undefined {
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const line = all.find((c) => /^(__Host-)?officina_session=/.test(c));
  return line?.split(';')[0];
}

export async function signIn(app: FastifyInstance, account: TestAccount, ip = '127.0.0.1'): Promise<Session> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: account.email, password: account.password },
    remoteAddress: ip,
  });
  expect(res.statusCode, res.body).toBe(200);
  const cookie = signInCookieOf(res.headers['set-cookie']);
  expect(cookie).toBeDefined();
  const csrf = res.json().csrfToken as string;
  return { account, cookie: cookie!, csrf, headers: { cookie: cookie!, 'x-csrf-token': csrf } };
}

/** A new account of that role, signed in. */
export async function signedIn(app: FastifyInstance, db: Kysely<Database>, role: AccountRole = 'organiser'): Promise<Session> {
  return signIn(app, await createAccount(db, { role }));
}
