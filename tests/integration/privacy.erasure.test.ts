// A person's own data. A manage token reaches its own registration only: its export holds that
// registration and nothing else of the address, its erasure erases that registration only (the address
// is forgotten with the last one). Everything about the person goes through the one-time link mailed to
// the address: its export holds every cycle and nothing about anyone else; its erasure leaves no trace
// of her in any column of any table, keeps the counts of the reports of a finished cycle, cancels her
// seat in a cycle still running (the waiting list moves up), kills her links and uses the link up.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenKit } from '../../server/lib/tokens.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { cycleMovedTo, findEverywhere, markPresent, signUp, type Person } from './materials.support.ts';

let t: TestApp;
let finished: Awaited<ReturnType<typeof cycleMovedTo>>;
let running: { id: string; slug: string };
let her: Person;
let herLater: Person;
let other: Person;
let waiting: Person;
let calendarPath: string;
let certificateCode: string;

/** The one-time link's token, as the worker derives it for the mail (the mail itself: tests/security). */
async function personLink(email: string): Promise<string> {
  await t.app.services.privacy.requestPersonLink(email, '192.0.2.7');
  const participant = await t.database.db.selectFrom('participants').select('id').where('email', '=', email).executeTakeFirstOrThrow();
  const request = await t.database.db
    .selectFrom('personal_data_requests')
    .select('id')
    .where('participant_id', '=', participant.id)
    .orderBy('created_at', 'desc')
    .executeTakeFirstOrThrow();
  return tokenKit(Buffer.from(t.config.secretKey!, 'utf8')).token('personal-data', request.id, 0);
}

const statsOf = async (cycleId: string) => {
  const { generatedAt: _ignored, ...rest } = await t.app.services.stats.forCycle(cycleId);
  return rest;
};

beforeAll(async () => {
  t = await buildTestApp();
  const tag = Math.random().toString(36).slice(2, 8);
  const email = `maria.erasmo.${tag}@comune.example.it`;
  const role = `Mediatrice culturale ${tag}`;
  // A finished cycle she attended (3 of 4, certificate issued) with someone else.
  finished = await cycleMovedTo(t.app, t.database.db, {
    days: [-28, -21, -14, -7],
    signUps: [{ email, firstName: `Mariaerasmo${tag}`, lastName: `Cancellabile${tag}`, role }, {}],
  });
  [her, other] = finished.people as [Person, Person];
  await markPresent(
    t.database.db,
    her.id,
    finished.sessions.slice(0, 3).map((s) => s.id),
  );
  await markPresent(
    t.database.db,
    other.id,
    finished.sessions.map((s) => s.id),
  );
  const cert = await t.app.inject({ method: 'GET', url: `/api/registrations/${her.token}/certificate` });
  expect(cert.statusCode).toBe(200);
  certificateCode = (await t.database.db.selectFrom('certificates').select('code').where('registration_id', '=', her.id).executeTakeFirstOrThrow()).code;

  // A cycle still to come, full, where she holds a seat and someone waits.
  const upcoming = await cycleMovedTo(t.app, t.database.db, { days: [7, 14], capacity: 1 });
  running = { id: upcoming.cycle.id, slug: upcoming.cycle.slug };
  herLater = await signUp(t.app, running.slug, { email, firstName: her.firstName, lastName: her.lastName, role });
  expect(herLater.status).toBe('confirmed');
  waiting = await signUp(t.app, running.slug);
  expect(waiting.status).toBe('waitlisted');
  calendarPath = new URL((await t.app.inject({ method: 'GET', url: `/api/registrations/${herLater.token}` })).json().registration.calendarUrl).pathname;

  // The send log holds her address: a mail about a registration, and the "send me my links" one.
  await t.database.db
    .insertInto('mail_messages')
    .values([
      {
        dedupe_key: `test:confirmed:${her.id}`,
        template: 'registration-confirmed',
        registration_id: her.id,
        cycle_id: finished.cycle.id,
        recipient: email,
        subject: 'Iscrizione confermata',
        locale: 'it',
        status: 'sent',
        smtp_response: `250 2.0.0 OK <${email}>`,
        sent_at: new Date(),
      },
      {
        dedupe_key: `test:links:${her.id}`,
        template: 'manage-links',
        recipient: email,
        subject: 'I link delle tue iscrizioni',
        locale: 'it',
        status: 'sent',
        sent_at: new Date(),
      },
    ])
    .execute();
  expect((await t.app.inject({ method: 'POST', url: '/api/links', payload: { email } })).statusCode).toBe(202);
});
afterAll(async () => t?.close());

describe('the export of one registration (manage token)', () => {
  it('holds that registration only: not her other cycle, not the mails to her address', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/registrations/${her.token}/personal-data` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
    const data = res.json();
    expect(Object.keys(data).sort()).toEqual(['consent', 'email', 'exportedAt', 'mail', 'registration']);
    expect(data.email).toBe(her.email);
    expect(data.registration).toMatchObject({
      id: her.id,
      firstName: her.firstName,
      lastName: her.lastName,
      status: 'confirmed',
      cycle: { slug: finished.cycle.slug },
    });
    expect(data.registration.attendance.filter((a: { present: boolean }) => a.present)).toHaveLength(3);
    expect(data.registration.certificate).toMatchObject({ code: certificateCode, attendedSessions: 3, heldSessions: 4 });
    expect(data.consent).toMatchObject({ registrationId: her.id, version: t.config.privacyVersion, notice: { publishedAt: expect.any(String) } });
    expect(data.consent.notice.summaryIt).toMatch(/24 mesi/);
    expect(data.mail.map((m: { template: string }) => m.template)).toEqual(['registration-confirmed']);
    const text = res.body;
    for (const foreign of [herLater.id, running.slug, other.email, other.id, waiting.id]) expect(text).not.toContain(foreign);

    const later = (await t.app.inject({ method: 'GET', url: `/api/registrations/${herLater.token}/personal-data` })).json();
    expect(later.registration.id).toBe(herLater.id);
    expect(later.mail).toEqual([]);
    expect(JSON.stringify(later)).not.toContain(her.id);
    expect(JSON.stringify(later)).not.toContain(certificateCode);
  });

  it('is 404 for unknown or malformed tokens', async () => {
    for (const token of ['x'.repeat(43), 'short', "'; DROP TABLE registrations; --"]) {
      const res = await t.app.inject({ method: 'GET', url: `/api/registrations/${encodeURIComponent(token)}/personal-data` });
      expect(res.statusCode, token).toBe(404);
    }
  });
});

describe('the export of the whole person (one-time link)', () => {
  it('holds everything about her, in every cycle, and nothing about anyone else', async () => {
    const token = await personLink(her.email);
    const res = await t.app.inject({ method: 'GET', url: `/api/personal-data/${token}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
    const data = res.json();
    expect(data.participant.email).toBe(her.email);
    expect(data.registrations.map((r: { id: string }) => r.id).sort()).toEqual([her.id, herLater.id].sort());
    const past = data.registrations.find((r: { id: string }) => r.id === her.id);
    expect(past).toMatchObject({ firstName: her.firstName, lastName: her.lastName, status: 'confirmed', cycle: { slug: finished.cycle.slug } });
    expect(past.attendance.filter((a: { present: boolean }) => a.present)).toHaveLength(3);
    expect(past.certificate).toMatchObject({ code: certificateCode, attendedSessions: 3, heldSessions: 4 });
    expect(data.consents).toHaveLength(2);
    expect(data.consents[0]).toMatchObject({ version: t.config.privacyVersion, notice: { publishedAt: expect.any(String) } });
    expect(data.mail.map((m: { template: string }) => m.template).sort()).toEqual(['manage-links', 'registration-confirmed']);
    // "Send me my links" and this link share one throttle: both requests are there.
    expect(data.linkRequests).toHaveLength(2);

    const text = JSON.stringify(data);
    for (const foreign of [other.email, other.firstName, other.lastName, other.id, waiting.email, waiting.id]) expect(text).not.toContain(foreign);
    // Viewing does not use the link up.
    const again = await t.app.inject({ method: 'GET', url: `/api/personal-data/${token}` });
    expect({ ...again.json(), exportedAt: null }).toEqual({ ...data, exportedAt: null });
  });
});

describe('erasure of one registration (manage token)', () => {
  it('erases that registration only; the address goes with its last registration', async () => {
    const solo = await cycleMovedTo(t.app, t.database.db, { days: [7, 14], capacity: 1, signUps: [{}] });
    const [mine] = solo.people as [Person];
    const next = await signUp(t.app, solo.cycle.slug);
    expect(next.status).toBe('waitlisted');
    const elsewhere = await signUp(t.app, (await cycleMovedTo(t.app, t.database.db, { days: [10] })).cycle.slug, {
      email: mine.email,
      firstName: mine.firstName,
      lastName: mine.lastName,
    });

    const res = await t.app.inject({ method: 'DELETE', url: `/api/registrations/${mine.token}/personal-data` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ erased: true, registrations: 1, cancelled: 1 });
    const row = await t.database.db
      .selectFrom('registrations')
      .select(['status', 'cancelled_by', 'first_name'])
      .where('id', '=', mine.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'cancelled', cancelled_by: 'erasure', first_name: 'Anonimo' });
    expect((await t.database.db.selectFrom('registrations').select('status').where('id', '=', next.id).executeTakeFirstOrThrow()).status).toBe('confirmed');
    for (const method of ['GET', 'DELETE'] as const) {
      expect((await t.app.inject({ method, url: `/api/registrations/${mine.token}/personal-data` })).statusCode).toBe(404);
    }
    expect((await t.app.inject({ method: 'GET', url: `/api/registrations/${mine.token}` })).statusCode).toBe(404);

    // Her other registration is untouched, and still holds the address.
    const kept = await t.app.inject({ method: 'GET', url: `/api/registrations/${elsewhere.token}` });
    expect(kept.statusCode).toBe(200);
    expect(kept.json().registration).toMatchObject({ status: 'confirmed', firstName: mine.firstName, email: mine.email });
    expect(await findEverywhere(t.database.db, [mine.email])).toEqual([`participants.email ∋ ${mine.email}`]);

    // Erasing the last one forgets the address too.
    expect((await t.app.inject({ method: 'DELETE', url: `/api/registrations/${elsewhere.token}/personal-data` })).json()).toEqual({
      erased: true,
      registrations: 1,
      cancelled: 1,
    });
    expect(await findEverywhere(t.database.db, [mine.email, mine.firstName])).toEqual([]);
  });
});

describe('erasure of the whole person (one-time link)', () => {
  it('anonymises her everywhere, keeps the counts, gives her seat to the waiting list and kills her links', async () => {
    const finishedStats = await statsOf(finished.cycle.id);
    const runningRows = async () => (await t.database.db.selectFrom('registrations').select(['status']).where('cycle_id', '=', running.id).execute()).length;
    const rowsBefore = await runningRows();
    const needles = [her.email, her.firstName, her.lastName, 'Mediatrice culturale'];
    expect((await findEverywhere(t.database.db, needles)).length).toBeGreaterThan(3);

    const link = await personLink(her.email);
    const res = await t.app.inject({ method: 'DELETE', url: `/api/personal-data/${link}` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ erased: true, registrations: 2, cancelled: 1 });
    // The link is used up.
    for (const method of ['GET', 'DELETE'] as const) expect((await t.app.inject({ method, url: `/api/personal-data/${link}` })).statusCode).toBe(404);
    expect(await t.database.db.selectFrom('personal_data_requests').select('id').where('participant_id', 'is not', null).execute()).toEqual([]);

    // No column of any table holds her address, names or role any more.
    expect(await findEverywhere(t.database.db, needles)).toEqual([]);
    // ...while the scan does find people who were not erased.
    expect(await findEverywhere(t.database.db, [other.email])).toEqual(['participants.email ∋ ' + other.email]);

    // The finished cycle's reports are unchanged.
    expect(await statsOf(finished.cycle.id)).toEqual(finishedStats);
    // The running cycle: her seat cancelled (by erasure), the first in line confirmed, rows kept.
    const mine = await t.database.db
      .selectFrom('registrations')
      .select(['status', 'cancelled_by', 'anonymised_at'])
      .where('id', '=', herLater.id)
      .executeTakeFirstOrThrow();
    expect(mine).toMatchObject({ status: 'cancelled', cancelled_by: 'erasure' });
    expect(mine.anonymised_at).not.toBeNull();
    const w = await t.database.db.selectFrom('registrations').select('status').where('id', '=', waiting.id).executeTakeFirstOrThrow();
    expect(w.status).toBe('confirmed');
    expect(await runningRows()).toBe(rowsBefore);
    const promoted = await sql<{
      key: string;
    }>`SELECT key FROM graphile_worker._private_jobs WHERE key = ${`mail:registration-promoted:${waiting.id}`}`.execute(t.database.db);
    expect(promoted.rows).toHaveLength(1);

    // Her links are dead, the certificate no longer verifies.
    for (const token of [her.token, herLater.token]) {
      expect((await t.app.inject({ method: 'GET', url: `/api/registrations/${token}` })).statusCode).toBe(404);
      expect((await t.app.inject({ method: 'GET', url: `/api/registrations/${token}/personal-data` })).statusCode).toBe(404);
      expect((await t.app.inject({ method: 'DELETE', url: `/api/registrations/${token}/personal-data` })).statusCode).toBe(404);
      expect((await t.app.inject({ method: 'GET', url: `/api/registrations/${token}/certificate` })).statusCode).toBe(404);
    }
    expect((await t.app.inject({ method: 'GET', url: calendarPath })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/api/certificates/${certificateCode}` })).statusCode).toBe(404);

    // The two rows left behind are not linked to each other (each has its own empty participant).
    const left = await t.database.db
      .selectFrom('registrations as r')
      .innerJoin('participants as p', 'p.id', 'r.participant_id')
      .select(['r.participant_id', 'p.email', 'r.organisation', 'r.network', 'r.first_name'])
      .where('r.id', 'in', [her.id, herLater.id])
      .execute();
    expect(new Set(left.map((l) => l.participant_id)).size).toBe(2);
    for (const l of left) expect(l).toMatchObject({ email: null, first_name: 'Anonimo', organisation: 'Comune di Lodi', network: 'Ambito di Lodi' });
    // "Send me my links" for her address now finds nobody.
    const links = await t.app.inject({ method: 'POST', url: '/api/links', payload: { email: her.email } });
    expect(links.statusCode).toBe(202);
  });
});
