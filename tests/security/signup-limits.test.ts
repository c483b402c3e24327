// Finding 4 of the security issue: public sign-up and cancel were unlimited. 50 sign-ups from one
// address with 50 emails all passed, and 20 sign-up→cancel loops sent 40 emails to one mailbox.
// Each attack below is sent as an attacker would (real HTTP from one address, forged X-Forwarded-For
// included) and must now be refused with 429 rate_limited and Retry-After; the mailbox cap is counted
// at a real SMTP server; two app instances on one database share the counts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNUPS_PER_EMAIL } from '../../server/modules/registrations/registrations.limits.ts';
import { MAILBOX_CAP_PER_HOUR } from '../../server/modules/mail/mail.cap.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';
import { expectErrorShape, listen, request, tokenOf } from '../helpers/http.ts';
import { startSmtpSink, waitUntil, type SmtpSink } from '../helpers/smtp.ts';
import { startTestRunner, type JobRunner } from '../helpers/jobs.ts';

const DEFAULT_PER_ADDRESS = 60;
const HOUR = 60 * 60_000;

/**
 * The real clock moved forward to 30 s past the next full hour: the limits count in fixed windows (an
 * hour, 10 minutes), and a test that straddled a window's edge would see a fresh window halfway.
 */
function windowAlignedClock(): () => Date {
  const offset = (Math.floor(Date.now() / HOUR) + 1) * HOUR + 30_000 - Date.now();
  return () => new Date(Date.now() + offset);
}

/** A 429 in the contract's shape, with a Retry-After a client can act on (whole seconds, at most the window). */
function expectRateLimited(res: { status: number; body: unknown; headers: Headers }, maxSeconds: number) {
  expectErrorShape(res.status, res.body, { status: 429, code: 'rate_limited' });
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
}

describe('one client address (default limits, no trusted proxy)', () => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await buildTestApp({ clock: windowAlignedClock() });
    base = await listen(t.app);
  });
  afterAll(async () => t?.close());

  it(`lets at most ${DEFAULT_PER_ADDRESS} sign-ups through per 10 minutes, whatever X-Forwarded-For says, and can't fill a cycle`, async () => {
    const { cycle } = await createCycle(t.database.db, { capacity: 100, waitlistEnabled: false });
    const statuses: number[] = [];
    const refused: Awaited<ReturnType<typeof request>>[] = [];
    // 100 bots' worth of invented people, 10 at a time, each with a forged X-Forwarded-For.
    for (let batch = 0; batch < 10; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          request(base, 'POST', `/api/cycles/${cycle.slug}/registrations`, registrationBody({ email: `bot.${batch}.${i}@example.org` }), {
            'x-forwarded-for': `198.51.100.${batch * 10 + i + 1}`,
          }),
        ),
      );
      for (const a of answers) {
        statuses.push(a.status);
        if (a.status !== 201) refused.push(a);
      }
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(DEFAULT_PER_ADDRESS);
    expect(refused).toHaveLength(100 - DEFAULT_PER_ADDRESS);
    for (const r of refused) expectRateLimited(r, 600);
    const seats = await t.database.db.selectFrom('cycles').select('seats_taken').where('id', '=', cycle.id).executeTakeFirstOrThrow();
    expect(seats.seats_taken).toBe(DEFAULT_PER_ADDRESS);
  });
});

describe('one email address', () => {
  let clock: () => Date;
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    clock = windowAlignedClock();
    t = await buildTestApp({ clock, env: { TRUST_PROXY: '127.0.0.1' } });
    base = await listen(t.app);
  });
  afterAll(async () => t?.close());

  it(`lets one mailbox sign up ${SIGNUPS_PER_EMAIL} times an hour across cycles, from any address, with any +tag or case`, async () => {
    const answers = [];
    for (let i = 0; i < 8; i++) {
      const { cycle } = await createCycle(t.database.db, { capacity: 10 });
      // The same inbox written eight ways, from eight different (proxied) addresses.
      const email = i % 2 === 0 ? `vittima+${i}@comune.example.it` : `Vittima@Comune.Example.it`;
      answers.push(
        await request(base, 'POST', `/api/cycles/${cycle.slug}/registrations`, registrationBody({ email }), {
          'x-forwarded-for': `203.0.113.${i + 1}`,
          'accept-language': i === 7 ? 'en' : 'it',
        }),
      );
    }
    expect(answers.map((a) => a.status)).toEqual([...Array(SIGNUPS_PER_EMAIL).fill(201), ...Array(8 - SIGNUPS_PER_EMAIL).fill(429)]);
    for (const r of answers.slice(SIGNUPS_PER_EMAIL)) expectRateLimited(r, 3600);
    expect(answers[5]!.body.message).toMatch(/^Troppe iscrizioni con questo indirizzo email/);
    expect(answers[7]!.body.message).toMatch(/^Too many sign-ups with this email address/);
  });

  it('limits cancellations per client address too', async () => {
    const { cycle } = await createCycle(t.database.db, { capacity: 100 });
    const limit = await buildTestApp({ database: t.database, clock, env: { TRUST_PROXY: '127.0.0.1', SIGNUP_LIMIT_PER_ADDRESS: '3' } });
    try {
      const small = await listen(limit.app);
      const tokens = [];
      for (let i = 0; i < 5; i++) {
        const r = await request(small, 'POST', `/api/cycles/${cycle.slug}/registrations`, registrationBody(), { 'x-forwarded-for': `192.0.2.${i + 1}` });
        expect(r.status).toBe(201);
        tokens.push(tokenOf(r.body.registration));
      }
      const cancels = [];
      for (const token of tokens)
        cancels.push(await request(small, 'POST', `/api/registrations/${token}/cancel`, undefined, { 'x-forwarded-for': '192.0.2.200' }));
      expect(cancels.map((c) => c.status)).toEqual([200, 200, 200, 429, 429]);
      expectRateLimited(cancels[3]!, 600);
    } finally {
      await limit.close();
    }
  });
});

describe('20 sign-up → cancel loops aimed at one mailbox (real SMTP)', () => {
  let t: TestApp;
  let base: string;
  let sink: SmtpSink;
  let worker: JobRunner;
  beforeAll(async () => {
    sink = await startSmtpSink();
    const clock = windowAlignedClock();
    t = await buildTestApp({ clock, env: { SMTP_URL: sink.url, TRUST_PROXY: '127.0.0.1' } });
    base = await listen(t.app);
    worker = await startTestRunner(t.config, t.database.url, { clock });
  });
  afterAll(async () => {
    await worker?.stop();
    await t?.close();
    await sink?.close();
  });

  /** Waits until the worker has recorded this mail (sent or skipped), so each step is seen before the next. */
  const recorded = (template: string, registrationId?: string) =>
    waitUntil(async () => {
      let q = t.database.db.selectFrom('mail_messages').select('status').where('template', '=', template).where('status', 'in', ['sent', 'skipped']);
      if (registrationId) q = q.where('registration_id', '=', registrationId);
      return (await q.execute()).length > 0;
    }, `${template} recorded`);

  it(`delivers at most ${MAILBOX_CAP_PER_HOUR} mails to that mailbox in the hour and logs the rest as skipped (throttled)`, async () => {
    const victim = 'vittima@comune.example.it';
    const { cycle } = await createCycle(t.database.db, { capacity: 10 });
    const answers: number[] = [];
    for (let i = 0; i < 20; i++) {
      // Each loop from a new address, so only the per-email limit and the mailbox cap stand in the way.
      const headers = { 'x-forwarded-for': `10.1.${i}.1` };
      const email = i % 2 ? victim : `vittima+${i}@comune.example.it`;
      const r = await request(base, 'POST', `/api/cycles/${cycle.slug}/registrations`, registrationBody({ email }), headers);
      answers.push(r.status);
      if (r.status !== 201) continue;
      await recorded('registration-confirmed', r.body.registration.id);
      const c = await request(base, 'POST', `/api/registrations/${tokenOf(r.body.registration)}/cancel`, undefined, headers);
      answers.push(c.status);
      if (c.status === 200) await recorded('registration-cancelled', r.body.registration.id);
    }
    // The links flow reaches the same mailbox (with its own limit: 3 an hour); the cap holds across flows.
    for (let i = 0; i < 3; i++) {
      expect((await t.app.inject({ method: 'POST', url: '/api/links', payload: { email: victim }, remoteAddress: `10.2.0.${i + 1}` })).statusCode).toBe(202);
    }
    await waitUntil(async () => {
      const rows = await t.database.db
        .selectFrom('mail_messages')
        .select('id')
        .where('template', '=', 'manage-links')
        .where('status', 'in', ['sent', 'skipped'])
        .execute();
      return rows.length === 3;
    }, 'the three links mails recorded');

    const inbox = sink.messages.filter((m) => m.to.some((to) => to.replace(/\+\d+@/, '@') === victim));
    expect(inbox.length).toBeLessThanOrEqual(MAILBOX_CAP_PER_HOUR);
    // The per-email limit stopped the loops after 5 (10 mails); the cap then held back the links mails.
    expect(answers.filter((s) => s === 429).length).toBe(20 - SIGNUPS_PER_EMAIL);
    const throttled = await t.database.db
      .selectFrom('mail_messages')
      .select(['template', 'status', 'recipient'])
      .where('error', 'like', 'throttled%')
      .execute();
    expect(throttled).toEqual(Array(3).fill({ template: 'manage-links', status: 'skipped', recipient: victim }));
  });
});

describe('two app instances on one database', () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  let baseA: string;
  let baseB: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    const clock = windowAlignedClock();
    a = await buildTestApp({ database, clock, env: { SIGNUP_LIMIT_PER_ADDRESS: '10' } });
    b = await buildTestApp({ database, clock, env: { SIGNUP_LIMIT_PER_ADDRESS: '10' } });
    baseA = await listen(a.app);
    baseB = await listen(b.app);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
  });

  it('share the per-address count: 30 simultaneous sign-ups split over both, exactly 10 pass', async () => {
    const { cycle } = await createCycle(database.db, { capacity: 100 });
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => request(i % 2 ? baseA : baseB, 'POST', `/api/cycles/${cycle.slug}/registrations`, registrationBody())),
    );
    expect(answers.filter((r) => r.status === 201)).toHaveLength(10);
    for (const r of answers.filter((x) => x.status !== 201)) expectRateLimited(r, 600);
  });

  it('share the per-email count', async () => {
    const statuses = [];
    for (let i = 0; i < SIGNUPS_PER_EMAIL + 2; i++) {
      const { cycle } = await createCycle(database.db, { capacity: 10 });
      const r = await (i % 2 ? a : b).app.inject({
        method: 'POST',
        url: `/api/cycles/${cycle.slug}/registrations`,
        payload: registrationBody({ email: 'stessa.persona@comune.example.it' }),
        remoteAddress: `10.3.0.${i + 1}`,
      });
      statuses.push(r.statusCode);
    }
    expect(statuses).toEqual([...Array(SIGNUPS_PER_EMAIL).fill(201), 429, 429]);
  });
});
