// Issue 10, finding 3: sign-in throttling raced and bypassed. Each case sends the attack measured on
// main and asserts it is refused: a burst of wrong passwords for one account gets at most 5 evaluated
// (401) and the rest 429 with Retry-After, whatever X-Forwarded-For says and whether or not a proxy is
// trusted; the account's block grows (1, 2, 4… minutes, capped at 15) and ends, so the real person gets
// back in; IPv6 clients of one /64 share the per-address budget.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { createAccount } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { expectErrorShape } from '../helpers/http.ts';

let database: TestDatabase;
let plain: TestApp; // default config: no proxy trusted
let proxied: TestApp; // TRUST_PROXY=127.0.0.1, on a movable clock
let now = Date.now();

beforeAll(async () => {
  database = await createTestDatabase();
  plain = await buildTestApp({ database });
  proxied = await buildTestApp({ database, env: { TRUST_PROXY: '127.0.0.1' }, clock: () => new Date(now) });
});
afterAll(async () => {
  await plain?.app.close();
  await proxied?.app.close();
  await database?.drop();
});

const login = (t: TestApp, email: string, password: string, xff?: string, peer = '127.0.0.1') =>
  t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password },
    remoteAddress: peer,
    headers: xff ? { 'x-forwarded-for': xff } : {},
  });

/** Statuses of a burst, by code. */
function tally(responses: LightMyRequestResponse[]) {
  const counts: Record<number, number> = {};
  for (const res of responses) counts[res.statusCode] = (counts[res.statusCode] ?? 0) + 1;
  return counts;
}

/** Every 429 is the contract's too_many_attempts and says when to come back (at most the 15-minute cap). */
function expectRefusalsSayWhen(responses: LightMyRequestResponse[]) {
  for (const res of responses.filter((r) => r.statusCode === 429)) {
    expectErrorShape(res.statusCode, res.json(), { status: 429, code: 'too_many_attempts' });
    const seconds = Number(res.headers['retry-after']);
    expect(Number.isInteger(seconds) && seconds >= 1 && seconds <= 15 * 60, `Retry-After ${res.headers['retry-after']}`).toBe(true);
  }
}

const storm = (t: TestApp, email: string, n: number, xff?: (i: number) => string, peer?: string) =>
  Promise.all(Array.from({ length: n }, (_, i) => login(t, email, `wrong-password-${i}`, xff?.(i), peer)));

describe('a burst of wrong passwords for one account', () => {
  it('100 in parallel: at most 5 evaluated (401), the rest 429 too_many_attempts with Retry-After', async () => {
    const account = await createAccount(database.db, { role: 'administrator' });
    const responses = await storm(plain, account.email, 100);
    const counts = tally(responses);
    expect(counts[401] ?? 0).toBeGreaterThanOrEqual(1);
    expect(counts[401] ?? 0).toBeLessThanOrEqual(5);
    expect((counts[401] ?? 0) + (counts[429] ?? 0)).toBe(100);
    expectRefusalsSayWhen(responses);
  });

  it('forged X-Forwarded-For from a client the default config does not trust: still at most 5', async () => {
    const account = await createAccount(database.db, { role: 'administrator' });
    // Another loopback peer than the first burst's, so its per-address budget is untouched.
    const responses = await storm(plain, account.email, 100, (i) => `198.51.100.${i + 1}`, '127.0.0.2');
    const counts = tally(responses);
    expect(counts[401] ?? 0).toBeLessThanOrEqual(5);
    expect((counts[401] ?? 0) + (counts[429] ?? 0)).toBe(100);
    expectRefusalsSayWhen(responses);
    // The failures were counted against the peer, not against any of the forged addresses.
    const addresses = await database.db.selectFrom('login_throttles').select('subject').where('scope', '=', 'address').execute();
    expect(addresses.map((a) => a.subject)).toContain('127.0.0.2');
    expect(addresses.filter((a) => a.subject.startsWith('198.51.100.'))).toEqual([]);
  });

  it('from a trusted proxy with a different client address on each request: the account still caps at 5', async () => {
    const account = await createAccount(database.db, { role: 'administrator' });
    const responses = await storm(proxied, account.email, 100, (i) => `203.0.113.${i + 1}`);
    const counts = tally(responses);
    expect(counts[401] ?? 0).toBeGreaterThanOrEqual(1);
    expect(counts[401] ?? 0).toBeLessThanOrEqual(5);
    expect((counts[401] ?? 0) + (counts[429] ?? 0)).toBe(100);
    expectRefusalsSayWhen(responses);
  });
});

describe('the real administrator after a storm', () => {
  it('is blocked for a delay that grows 1, 2, 4, 8 minutes up to 15, and gets in once it has passed', async () => {
    const admin = await createAccount(database.db, { role: 'administrator' });
    const attacker = (i: number) => `192.0.2.${(i % 200) + 1}`;
    const home = '198.51.100.200';
    const retryAfter = (res: LightMyRequestResponse) => Number(res.headers['retry-after']);

    // First storm: 1 minute.
    await storm(proxied, admin.email, 10, attacker);
    let res = await login(proxied, admin.email, admin.password, home);
    expectErrorShape(res.statusCode, res.json(), { status: 429, code: 'too_many_attempts' });
    expect(retryAfter(res)).toBeLessThanOrEqual(60);
    now += 61_000;
    // Second storm right after: the block doubles.
    const second = tally(await storm(proxied, admin.email, 10, attacker));
    expect(second[401] ?? 0).toBeLessThanOrEqual(5);
    res = await login(proxied, admin.email, admin.password, home);
    expect(res.statusCode).toBe(429);
    expect(retryAfter(res)).toBeGreaterThan(60);
    expect(retryAfter(res)).toBeLessThanOrEqual(120);
    now += 61_000;
    expect((await login(proxied, admin.email, admin.password, home)).statusCode).toBe(429);
    now += 60_000;
    // The delay has passed: the right password works, and resets the account's record.
    res = await login(proxied, admin.email, admin.password, home);
    expect(res.statusCode, res.body).toBe(200);

    // After the success a storm costs the real person 1 minute again; storms in a row grow to the cap.
    const seen: number[] = [];
    for (let round = 0; round < 6; round++) {
      await storm(proxied, admin.email, 10, attacker);
      res = await login(proxied, admin.email, admin.password, home);
      expect(res.statusCode).toBe(429);
      seen.push(retryAfter(res));
      now += retryAfter(res) * 1000 + 1000;
    }
    expect(seen).toEqual([60, 120, 240, 480, 900, 900]);
    expect((await login(proxied, admin.email, admin.password, home)).statusCode).toBe(200);
  });
});

describe('password spraying from one IPv6 /64', () => {
  it('shares one per-address budget however the client varies the low 64 bits', async () => {
    const responses = await Promise.all(
      Array.from({ length: 70 }, (_, i) =>
        login(
          proxied,
          `spray-${i}-${Date.now()}@officina.test`,
          'wrong-password-1',
          `2001:db8:aa:bb:${(i + 1).toString(16)}:${((i * 7919) % 0x10000).toString(16)}::1`,
        ),
      ),
    );
    const counts = tally(responses);
    expect(counts[401] ?? 0).toBeLessThanOrEqual(50);
    expect(counts[429] ?? 0).toBeGreaterThanOrEqual(20);
    expectRefusalsSayWhen(responses);
    // Another /64 has its own budget.
    const other = await login(proxied, `other-${Date.now()}@officina.test`, 'wrong-password-1', '2001:db8:aa:cc::1');
    expect(other.statusCode).toBe(401);
  });
});
