// Finding 1 of the security issue: anyone can sign up to an open cycle with someone else's address and
// gets a manage token for that sign-up. That token must reach its own registration and nothing else:
// not the victim's registrations in other cycles (names, organisation, role, network, mail log), and
// its erasure must not touch them. Everything about the address goes through a one-time link that only
// the mailbox receives (real worker, real SMTP server): the same answer for any address, good for one
// erasure, short-lived, throttled.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINKS_PER_EMAIL } from '../../server/modules/links/links.service.ts';
import { PERSONAL_DATA_LINK_TTL_MS } from '../../server/modules/privacy/privacy.service.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { createCycle } from '../helpers/factories.ts';
import { startSmtpSink, waitUntil, type SmtpSink } from '../helpers/smtp.ts';

import { signUp, strangerToken, type Person } from '../integration/materials.support.ts';
import { startTestRunner, type JobRunner } from '../helpers/jobs.ts';

let t: TestApp;
let sink: SmtpSink;
let worker: JobRunner;
let victim: Person;
let attacker: Person;
let cycleA: { id: string; slug: string };
const victimRole = `Assistente sociale ${Math.random().toString(36).slice(2, 8)}`;
const victimNetwork = 'Ambito di Crema';

let ipCounter = 0;
/** A fresh client address per request, so the per-IP limit of one test doesn't spill into another. */
const freshIp = () => `10.1.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`;
const askLink = (email: unknown, ip = freshIp(), headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/personal-data/requests', payload: { email }, remoteAddress: ip, headers });
const SUBJECT = 'Il link ai tuoi dati personali';
const linkMails = (email: string) => sink.to(email).filter((m) => m.parsed!.subject === SUBJECT);
/** The one-time token in a mail that reached the address. */
const tokenIn = (text: string) => /\/dati\/([A-Za-z0-9_-]{43})/.exec(text)![1]!;

beforeAll(async () => {
  sink = await startSmtpSink();
  t = await buildTestApp({ env: { SMTP_URL: sink.url } });
  worker = await startTestRunner(t.config, t.database.url);
  const a = await createCycle(t.database.db, { capacity: 10, title: 'Welfare di comunità' });
  const b = await createCycle(t.database.db, { capacity: 10, title: 'Comunicazione generativa' });
  cycleA = { id: a.cycle.id, slug: a.cycle.slug };
  victim = await signUp(t.app, a.cycle.slug, { role: victimRole, network: victimNetwork, organisation: 'Comune di Crema' });
  // The mail log holds a message about the victim's registration.
  await t.database.db
    .insertInto('mail_messages')
    .values({
      dedupe_key: `test:confirmed:${victim.id}`,
      template: 'registration-confirmed',
      registration_id: victim.id,
      cycle_id: a.cycle.id,
      recipient: victim.email,
      subject: 'Iscrizione confermata: Welfare di comunità',
      locale: 'it',
      status: 'sent',
      sent_at: new Date(),
    })
    .execute();
  // The attacker signs up to another open cycle with the victim's address, under names of their own.
  attacker = await signUp(t.app, b.cycle.slug, { email: victim.email, firstName: 'Intruso', lastName: 'Curioso', organisation: 'Altro ente' });
});
afterAll(async () => {
  await worker?.stop();
  await t?.close();
  await sink?.close();
});

describe("a sign-up made with someone else's address", () => {
  it("does not export the victim's registration in another cycle", async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/registrations/${attacker.token}/personal-data` });
    expect(res.statusCode).toBe(200);
    const text = res.body;
    for (const secret of [victim.id, victim.firstName, victim.lastName, victimRole, victimNetwork, 'Comune di Crema', cycleA.slug, 'Welfare di comunità']) {
      expect(text, secret).not.toContain(secret);
    }
    // What it does return is its own registration only.
    expect(res.json().registration.id).toBe(attacker.id);
  });

  it("does not erase nor cancel the victim's registration in another cycle", async () => {
    const res = await t.app.inject({ method: 'DELETE', url: `/api/registrations/${attacker.token}/personal-data` });
    expect(res.statusCode).toBe(200);
    const row = await t.database.db
      .selectFrom('registrations')
      .select(['status', 'first_name', 'role', 'anonymised_at', 'cancelled_at'])
      .where('id', '=', victim.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'confirmed', first_name: victim.firstName, role: victimRole, anonymised_at: null, cancelled_at: null });
    // The victim's manage link still works and still shows her data.
    const own = await t.app.inject({ method: 'GET', url: `/api/registrations/${victim.token}` });
    expect(own.statusCode).toBe(200);
    expect(own.json().registration).toMatchObject({ status: 'confirmed', firstName: victim.firstName, email: victim.email });
    // The attacker's token is dead.
    expect((await t.app.inject({ method: 'GET', url: `/api/registrations/${attacker.token}/personal-data` })).statusCode).toBe(404);
  });
});

describe('the one-time link to everything about an address', () => {
  it('answers a known and an unknown address identically, doing the same work for both', async () => {
    const before = await sql<{ n: number }>`SELECT count(*)::int AS n FROM personal_data_requests`.execute(t.database.db);
    const unknown = `nessuna.${Date.now()}@comune.example.it`;
    const k = await askLink(victim.email.toUpperCase(), freshIp(), { 'accept-language': 'it' });
    const u = await askLink(unknown, freshIp(), { 'accept-language': 'it' });
    expect(k.statusCode).toBe(202);
    expect(u.statusCode).toBe(202);
    expect(u.body).toBe(k.body);
    expect(k.json()).toEqual({ status: 'accepted', message: expect.stringMatching(/^Se conserviamo dati/) });
    const headerNames = (h: Record<string, unknown>) =>
      Object.keys(h)
        .filter((n) => n !== 'date')
        .sort();
    expect(headerNames(u.headers)).toEqual(headerNames(k.headers));
    // Nothing in the answer reaches the data: no token, no name.
    for (const secret of [victim.firstName, victim.id]) expect(k.body).not.toContain(secret);
    const after = await sql<{ n: number }>`SELECT count(*)::int AS n FROM personal_data_requests`.execute(t.database.db);
    expect(after.rows[0]!.n - before.rows[0]!.n).toBe(2);
    const rows = await t.database.db
      .selectFrom('personal_data_requests')
      .select(['participant_id', 'created_at', 'expires_at'])
      .orderBy('created_at', 'desc')
      .limit(2)
      .execute();
    for (const r of rows) expect(new Date(r.expires_at).getTime() - new Date(r.created_at).getTime()).toBe(PERSONAL_DATA_LINK_TTL_MS);
    expect(PERSONAL_DATA_LINK_TTL_MS).toBeLessThanOrEqual(60 * 60_000);
  });

  it('mails the link to the address itself, and nothing for an unknown address', async () => {
    await sink.waitFor(() => linkMails(victim.email).length === 1, 'the personal-data link mail');
    await waitUntil(
      async () => (await sql`SELECT 1 FROM graphile_worker._private_jobs WHERE key LIKE 'mail:personal-data-link:%'`.execute(t.database.db)).rows.length === 0,
      'the link jobs done',
    );
    const mail = linkMails(victim.email)[0]!;
    expect(mail.to).toEqual([victim.email]);
    expect(mail.parsed!.text).toContain(`${t.config.publicUrl}/dati/`);
    expect(sink.messages.filter((m) => m.parsed!.subject === SUBJECT)).toHaveLength(1);
    const skipped = await t.database.db
      .selectFrom('mail_messages')
      .select(['status', 'recipient'])
      .where('template', '=', 'personal-data-link')
      .where('status', '=', 'skipped')
      .execute();
    expect(skipped).toEqual([{ status: 'skipped', recipient: null }]);
  });

  it('exports everything about the address while it lives; one erasure uses it up', async () => {
    const token = tokenIn(linkMails(victim.email)[0]!.parsed!.text!);
    const shown = await t.app.inject({ method: 'GET', url: `/api/personal-data/${token}` });
    expect(shown.statusCode).toBe(200);
    expect(shown.json().participant.email).toBe(victim.email);
    expect(shown.json().registrations.map((r: { id: string }) => r.id)).toEqual([victim.id]);
    // Viewing again is fine.
    expect((await t.app.inject({ method: 'GET', url: `/api/personal-data/${token}` })).statusCode).toBe(200);

    const erased = await t.app.inject({ method: 'DELETE', url: `/api/personal-data/${token}` });
    expect(erased.statusCode, erased.body).toBe(200);
    expect(erased.json()).toEqual({ erased: true, registrations: 1, cancelled: 1 });
    for (const method of ['GET', 'DELETE'] as const) {
      const again = await t.app.inject({ method, url: `/api/personal-data/${token}` });
      expect(again.statusCode, method).toBe(404);
      expect(again.json()).toMatchObject({ statusCode: 404, code: 'not_found' });
    }
    expect((await t.app.inject({ method: 'GET', url: `/api/registrations/${victim.token}` })).statusCode).toBe(404);
  });

  it('stops working when it expires', async () => {
    const person = await signUp(t.app, (await createCycle(t.database.db, { capacity: 5 })).cycle.slug);
    expect((await askLink(person.email)).statusCode).toBe(202);
    await sink.waitFor(() => linkMails(person.email).length === 1, 'her link mail');
    const token = tokenIn(linkMails(person.email)[0]!.parsed!.text!);
    expect((await t.app.inject({ method: 'GET', url: `/api/personal-data/${token}` })).statusCode).toBe(200);
    // Its hour is over.
    await sql`UPDATE personal_data_requests SET created_at = created_at - interval '2 hours', expires_at = expires_at - interval '2 hours'`.execute(
      t.database.db,
    );
    for (const method of ['GET', 'DELETE'] as const) expect((await t.app.inject({ method, url: `/api/personal-data/${token}` })).statusCode, method).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/api/registrations/${person.token}` })).statusCode).toBe(200);
  });

  it('answers 404 to unknown and malformed tokens, and a manage token is not one', async () => {
    const person = await signUp(t.app, (await createCycle(t.database.db, { capacity: 5 })).cycle.slug);
    for (const token of [strangerToken(), 'x'.repeat(43), 'short', "'; DROP TABLE participants; --", person.token]) {
      for (const method of ['GET', 'DELETE'] as const) {
        const res = await t.app.inject({ method, url: `/api/personal-data/${encodeURIComponent(token)}` });
        expect(res.statusCode, `${method} ${token}`).toBe(404);
        expect(res.json()).toMatchObject({ statusCode: 404, code: 'not_found', message: expect.any(String) });
      }
    }
  });

  it(`is throttled per address (${LINKS_PER_EMAIL} an hour, shared with "send me my links"), known or not`, async () => {
    const person = await signUp(t.app, (await createCycle(t.database.db, { capacity: 5 })).cycle.slug);
    for (const email of [person.email, `sconosciuta.${Date.now()}@example.it`]) {
      expect((await t.app.inject({ method: 'POST', url: '/api/links', payload: { email }, remoteAddress: freshIp() })).statusCode).toBe(202);
      for (let i = 1; i < LINKS_PER_EMAIL; i += 1) expect((await askLink(email)).statusCode).toBe(202);
      const res = await askLink(email);
      expect(res.statusCode).toBe(429);
      expect(res.json()).toEqual({ statusCode: 429, code: 'rate_limited', message: expect.any(String) });
    }
    const bad = await askLink('non-una-email');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ statusCode: 400, code: 'validation_error' });
  });
});
