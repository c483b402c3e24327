// "Send me my links": the same answer for a known and an unknown address (status, body, and the same
// work: one throttle row and one mail job each); only the known address gets a mail, with the manage
// links of her active registrations; malformed addresses are 400; too many requests per address or per
// IP address are 429; the address itself is never stored by the throttle.
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINKS_PER_EMAIL, LINKS_PER_IP } from '../../server/modules/links/links.service.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { createCycle } from '../helpers/factories.ts';
import { startSmtpSink, waitUntil, type SmtpSink } from '../helpers/smtp.ts';
import { findEverywhere, signUp, type Person } from './materials.support.ts';
import { startTestRunner, type JobRunner } from '../helpers/jobs.ts';

let t: TestApp;
let sink: SmtpSink;
let worker: JobRunner;
let known: Person;
let knownElsewhere: Person;
let cancelled: Person;
let ipCounter = 0;
/** A fresh client address for each test, so the per-IP limit of one test doesn't spill into another. */
const freshIp = () => `10.0.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`;

const ask = (email: unknown, ip: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/links', payload: { email }, remoteAddress: ip, headers });
const linkJobs = async () =>
  (
    await sql<{
      key: string;
      payload: { participantId: string };
    }>`SELECT key, payload FROM graphile_worker._private_jobs WHERE key LIKE 'mail:manage-links:%'`.execute(t.database.db)
  ).rows;

beforeAll(async () => {
  sink = await startSmtpSink();
  t = await buildTestApp({ env: { SMTP_URL: sink.url } });
  const a = await createCycle(t.database.db, { capacity: 10, title: 'Mediazione interculturale' });
  const b = await createCycle(t.database.db, { capacity: 10, title: 'Valutazione d’impatto' });
  const c = await createCycle(t.database.db, { capacity: 10, title: 'Ciclo annullato' });
  known = await signUp(t.app, a.cycle.slug);
  knownElsewhere = await signUp(t.app, b.cycle.slug, { email: known.email });
  cancelled = await signUp(t.app, c.cycle.slug, { email: known.email });
  expect((await t.app.inject({ method: 'POST', url: `/api/registrations/${cancelled.token}/cancel` })).statusCode).toBe(200);
});
afterAll(async () => {
  await worker?.stop();
  await t?.close();
  await sink?.close();
});

describe('POST /api/links', () => {
  it('answers a known and an unknown address identically, doing the same work for both', async () => {
    await sql`DELETE FROM graphile_worker._private_jobs WHERE key LIKE 'mail:manage-links:%'`.execute(t.database.db);
    const unknownEmail = `nessuno.${Date.now()}@comune.example.it`;
    const k = await ask(known.email.toUpperCase(), freshIp(), { 'accept-language': 'it' });
    const u = await ask(unknownEmail, freshIp(), { 'accept-language': 'it' });
    expect(k.statusCode).toBe(202);
    expect(u.statusCode).toBe(202);
    expect(u.body).toBe(k.body);
    expect(k.json()).toEqual({ status: 'accepted', message: expect.stringMatching(/^Se a questo indirizzo/) });
    const headerNames = (h: Record<string, unknown>) =>
      Object.keys(h)
        .filter((n) => n !== 'date')
        .sort();
    expect(headerNames(u.headers)).toEqual(headerNames(k.headers));
    expect(u.headers['content-length']).toBe(k.headers['content-length']);

    const jobs = await linkJobs();
    expect(jobs).toHaveLength(2);
    const participant = await t.database.db.selectFrom('participants').select('id').where('email', '=', known.email).executeTakeFirstOrThrow();
    const ids = jobs.map((j) => j.payload.participantId);
    expect(ids).toContain(participant.id);
    const other = ids.find((id) => id !== participant.id)!;
    expect(await t.database.db.selectFrom('participants').select('id').where('id', '=', other).executeTakeFirst()).toBeUndefined();
  });

  it('mails the known address the links of her active registrations, and nobody for the unknown one', async () => {
    worker = await startTestRunner(t.config, t.database.url);
    const linksMail = () => sink.to(known.email).filter((m) => m.parsed!.subject === 'I link delle tue iscrizioni');
    await sink.waitFor(() => linksMail().length === 1, 'the links mail');
    await waitUntil(async () => (await linkJobs()).length === 0, 'both link jobs done');
    const text = linksMail()[0]!.parsed!.text!;
    expect(text).toContain(`${t.config.publicUrl}/iscrizione/${known.token}`);
    expect(text).toContain(`${t.config.publicUrl}/iscrizione/${knownElsewhere.token}`);
    expect(text).not.toContain(cancelled.token);
    expect(text).toContain('Mediazione interculturale');
    expect(text).toContain('Valutazione d’impatto');
    // The unknown address: recorded as skipped, with no address, and no mail went out for it.
    const skipped = await t.database.db
      .selectFrom('mail_messages')
      .select(['status', 'recipient'])
      .where('template', '=', 'manage-links')
      .where('status', '=', 'skipped')
      .execute();
    expect(skipped).toEqual([{ status: 'skipped', recipient: null }]);
    expect(sink.messages.filter((m) => m.parsed!.subject === 'I link delle tue iscrizioni')).toHaveLength(1);
  });

  it('answers 400 to a malformed address (with the error shape)', async () => {
    for (const email of ['', 'non-una-email', 'a@', `${'x'.repeat(260)}@example.it`, 42, null]) {
      const res = await ask(email, freshIp());
      expect(res.statusCode, String(email)).toBe(400);
      expect(res.json()).toMatchObject({ statusCode: 400, code: 'validation_error' });
    }
    const noBody = await t.app.inject({ method: 'POST', url: '/api/links', remoteAddress: freshIp() });
    expect(noBody.statusCode).toBe(400);
  });

  it(`limits requests per address (${LINKS_PER_EMAIL} an hour), known or not, from any IP address`, async () => {
    const fresh = await signUp(t.app, (await createCycle(t.database.db, { capacity: 5 })).cycle.slug);
    for (const email of [fresh.email, `sconosciuta.${Date.now()}@example.it`]) {
      for (let i = 0; i < LINKS_PER_EMAIL; i += 1) expect((await ask(email, freshIp())).statusCode).toBe(202);
      const res = await ask(email, freshIp());
      expect(res.statusCode).toBe(429);
      expect(res.json()).toMatchObject({ statusCode: 429, code: 'rate_limited', message: expect.any(String) });
    }
  });

  it(`limits requests per IP address (${LINKS_PER_IP} an hour), whatever the addresses`, async () => {
    const ip = freshIp();
    for (let i = 0; i < LINKS_PER_IP; i += 1) expect((await ask(`persona.${i}.${Date.now()}@example.it`, ip)).statusCode).toBe(202);
    const res = await ask(`ancora.${Date.now()}@example.it`, ip);
    expect(res.statusCode).toBe(429);
    expect(res.json().code).toBe('rate_limited');
    expect((await ask(`altrove.${Date.now()}@example.it`, freshIp())).statusCode).toBe(202);
  });

  it('never stores the address in the throttle (only a keyed hash)', async () => {
    const hits = await findEverywhere(t.database.db, [known.email]);
    expect(hits.filter((h) => h.startsWith('link_requests.'))).toEqual([]);
    const rows = await t.database.db.selectFrom('link_requests').select(['email_hash']).execute();
    expect(rows.length).toBeGreaterThan(LINKS_PER_IP);
  });

  it('takes about the same time for known and unknown addresses (figures printed, not asserted)', async () => {
    const time = async (email: string) => {
      const start = performance.now();
      const res = await ask(email, freshIp());
      const ms = performance.now() - start;
      expect(res.statusCode).toBe(202);
      return ms;
    };
    const people: Person[] = [];
    for (let i = 0; i < 20; i += 1) people.push(await signUp(t.app, (await createCycle(t.database.db, { capacity: 5 })).cycle.slug));
    // Let the worker finish the confirmations first: its sending would weigh on one side only.
    await waitUntil(
      async () =>
        (await sql<{ n: string }>`SELECT count(*) AS n FROM graphile_worker._private_jobs WHERE run_at <= now()`.execute(t.database.db)).rows[0]!.n === '0',
      'an idle queue',
    );
    // The worker would send the known addresses' mails during the measurement: stopped for it.
    await worker.stop();
    const knownTimes: number[] = [];
    const unknownTimes: number[] = [];
    for (const [i, person] of people.entries()) {
      // Alternating which goes first, so neither side always runs on a warmer cache.
      if (i % 2 === 0) {
        knownTimes.push(await time(person.email));
        unknownTimes.push(await time(`ignota.${i}.${Date.now()}@example.it`));
      } else {
        unknownTimes.push(await time(`ignota.${i}.${Date.now()}@example.it`));
        knownTimes.push(await time(person.email));
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    console.log(`POST /api/links median: known ${median(knownTimes).toFixed(2)} ms, unknown ${median(unknownTimes).toFixed(2)} ms (20 each, inject)`);
  });
});
