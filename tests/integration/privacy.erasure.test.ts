// A person's own data: the export holds everything about her (every cycle) and nothing about anyone
// else; erasure leaves no trace of her in any column of any table, keeps the counts of the reports of a
// finished cycle, cancels her seat in a cycle still running (the waiting list moves up), and kills her
// links.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  await markPresent(t.database.db, her.id, finished.sessions.slice(0, 3).map((s) => s.id));
  await markPresent(t.database.db, other.id, finished.sessions.map((s) => s.id));
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
      { dedupe_key: `test:links:${her.id}`, template: 'manage-links', recipient: email, subject: 'I link delle tue iscrizioni', locale: 'it', status: 'sent', sent_at: new Date() },
    ])
    .execute();
  expect((await t.app.inject({ method: 'POST', url: '/api/links', payload: { email } })).statusCode).toBe(202);
});
afterAll(async () => t?.close());

describe('the export of personal data', () => {
  it('holds everything about her, in every cycle, and nothing about anyone else', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/registrations/${herLater.token}/personal-data` });
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
    expect(data.consents[0].notice.summaryIt).toMatch(/24 mesi/);
    expect(data.mail.map((m: { template: string }) => m.template).sort()).toEqual(['manage-links', 'registration-confirmed']);
    expect(data.linkRequests).toHaveLength(1);

    const text = JSON.stringify(data);
    for (const foreign of [other.email, other.firstName, other.lastName, other.id, waiting.email, waiting.id]) expect(text).not.toContain(foreign);
    // The same export through either of her tokens.
    const viaOld = await t.app.inject({ method: 'GET', url: `/api/registrations/${her.token}/personal-data` });
    expect({ ...viaOld.json(), exportedAt: null }).toEqual({ ...data, exportedAt: null });
  });

  it('is 404 for unknown or malformed tokens', async () => {
    for (const token of ['x'.repeat(43), 'short', "'; DROP TABLE registrations; --"]) {
      const res = await t.app.inject({ method: 'GET', url: `/api/registrations/${encodeURIComponent(token)}/personal-data` });
      expect(res.statusCode, token).toBe(404);
    }
  });
});

describe('erasure', () => {
  it('anonymises her everywhere, keeps the counts, gives her seat to the waiting list and kills her links', async () => {
    const finishedStats = await statsOf(finished.cycle.id);
    const runningRows = async () =>
      (await t.database.db.selectFrom('registrations').select(['status']).where('cycle_id', '=', running.id).execute()).length;
    const rowsBefore = await runningRows();
    const needles = [her.email, her.firstName, her.lastName, 'Mediatrice culturale'];
    expect((await findEverywhere(t.database.db, needles)).length).toBeGreaterThan(3);

    const res = await t.app.inject({ method: 'DELETE', url: `/api/registrations/${herLater.token}/personal-data` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ erased: true, registrations: 2, cancelled: 1 });

    // No column of any table holds her address, names or role any more.
    expect(await findEverywhere(t.database.db, needles)).toEqual([]);
    // ...while the scan does find people who were not erased.
    expect(await findEverywhere(t.database.db, [other.email])).toEqual(['participants.email ∋ ' + other.email]);

    // The finished cycle's reports are unchanged.
    expect(await statsOf(finished.cycle.id)).toEqual(finishedStats);
    // The running cycle: her seat cancelled (by erasure), the first in line confirmed, rows kept.
    const mine = await t.database.db.selectFrom('registrations').select(['status', 'cancelled_by', 'anonymised_at']).where('id', '=', herLater.id).executeTakeFirstOrThrow();
    expect(mine).toMatchObject({ status: 'cancelled', cancelled_by: 'erasure' });
    expect(mine.anonymised_at).not.toBeNull();
    const w = await t.database.db.selectFrom('registrations').select('status').where('id', '=', waiting.id).executeTakeFirstOrThrow();
    expect(w.status).toBe('confirmed');
    expect(await runningRows()).toBe(rowsBefore);
    const promoted = await sql<{ key: string }>`SELECT key FROM graphile_worker._private_jobs WHERE key = ${`mail:registration-promoted:${waiting.id}`}`.execute(t.database.db);
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
