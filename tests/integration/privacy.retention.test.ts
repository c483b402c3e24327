// Retention: the daily job (run here by the real graphile-worker runner the server starts, with the
// tasks and crontab it is given) anonymises the personal data of cycles that ended more than
// RETENTION_MONTHS ago. Afterwards nothing personal of the old cycle is left in any table, the counts
// its reports show are unchanged, a recent cycle is untouched, and running it again changes nothing.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEDULES, scheduledTask } from '../../server/jobs/jobs.schedules.ts';
import { CERTIFICATES_TASK } from '../../server/modules/certificates/certificates.jobs.ts';
import { RETENTION_TASK } from '../../server/modules/privacy/privacy.jobs.ts';
import { tokenKit } from '../../server/lib/tokens.ts';
import { privacyService } from '../../server/modules/privacy/privacy.service.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { startSmtpSink, waitUntil, type SmtpSink } from '../helpers/smtp.ts';
import { cycleMovedTo, findEverywhere, markPresent, type Person } from './materials.support.ts';
import { startTestRunner, type JobRunner } from '../helpers/jobs.ts';

const DAY = 86_400_000;

let t: TestApp;
let sink: SmtpSink;
let worker: JobRunner;
let old: Awaited<ReturnType<typeof cycleMovedTo>>;
let recent: Awaited<ReturnType<typeof cycleMovedTo>>;
/** Someone who took part in the old cycle and, with the same address, in the recent one. */
let both: { old: Person; recent: Person };

const statsOf = async (cycleId: string) => {
  const { generatedAt: _ignored, ...rest } = await t.app.services.stats.forCycle(cycleId);
  return rest;
};
const countsOf = async (cycleId: string) => ({
  byStatus: (
    await sql<{
      status: string;
      n: string;
    }>`SELECT status, count(*) AS n FROM registrations WHERE cycle_id = ${cycleId} GROUP BY status ORDER BY status`.execute(t.database.db)
  ).rows,
  attendance: (
    await sql<{ session_id: string; present: boolean; n: string }>`
      SELECT a.session_id, a.present, count(*) AS n FROM attendance a JOIN sessions s ON s.id = a.session_id
       WHERE s.cycle_id = ${cycleId} GROUP BY 1, 2 ORDER BY 1, 2`.execute(t.database.db)
  ).rows,
  byNetwork: (
    await sql<{
      network: string | null;
      n: string;
    }>`SELECT network, count(*) AS n FROM registrations WHERE cycle_id = ${cycleId} GROUP BY 1 ORDER BY 1`.execute(t.database.db)
  ).rows,
  certificates: (await sql<{ n: string }>`SELECT count(*) AS n FROM certificates WHERE cycle_id = ${cycleId}`.execute(t.database.db)).rows,
});
const snapshotOf = async (cycleId: string) => ({
  registrations: await t.database.db.selectFrom('registrations').selectAll().where('cycle_id', '=', cycleId).orderBy('id').execute(),
  participants: await t.database.db
    .selectFrom('participants')
    .selectAll()
    .where('id', 'in', t.database.db.selectFrom('registrations').select('participant_id').where('cycle_id', '=', cycleId))
    .orderBy('id')
    .execute(),
  certificates: await t.database.db.selectFrom('certificates').selectAll().where('cycle_id', '=', cycleId).orderBy('id').execute(),
  mail: await t.database.db.selectFrom('mail_messages').selectAll().where('cycle_id', '=', cycleId).orderBy('id').execute(),
});

beforeAll(async () => {
  sink = await startSmtpSink();
  t = await buildTestApp({ env: { SMTP_URL: sink.url } });
  const tag = Math.random().toString(36).slice(2, 8);
  const bothPerson = { email: `sempre.presente.${tag}@comune.example.it`, firstName: `Sempre${tag}`, lastName: `Presente${tag}` };
  // Ended 26 months ago (retention: 24): four participants, one of whom comes back later.
  old = await cycleMovedTo(t.app, t.database.db, {
    days: [-820, -813, -806],
    signUps: [{ network: 'Ambito di Dalmine' }, { network: 'Ambito di Dalmine' }, { network: 'Rete Valle Seriana' }, bothPerson],
  });
  const [a1, a2, a3] = old.people as [Person, Person, Person];
  await markPresent(
    t.database.db,
    a1.id,
    old.sessions.map((s) => s.id),
  );
  await markPresent(t.database.db, a2.id, [old.sessions[0]!.id]);
  await markPresent(t.database.db, a2.id, [old.sessions[1]!.id], false);
  await markPresent(
    t.database.db,
    old.people[3]!.id,
    old.sessions.map((s) => s.id),
  );
  await t.database.db
    .updateTable('registrations')
    .set({ status: 'cancelled', cancelled_at: new Date(), cancelled_by: 'participant' })
    .where('id', '=', a3.id)
    .execute();
  expect((await t.app.inject({ method: 'GET', url: `/api/registrations/${a1.token}/certificate` })).statusCode).toBe(200);

  // Ended a month ago: the returning person and someone new.
  recent = await cycleMovedTo(t.app, t.database.db, { days: [-45, -38, -31], signUps: [bothPerson, {}] });
  both = { old: old.people[3]!, recent: recent.people[0]! };
  await markPresent(
    t.database.db,
    both.recent.id,
    recent.sessions.map((s) => s.id),
  );
  expect((await t.app.inject({ method: 'GET', url: `/api/registrations/${both.recent.token}/certificate` })).statusCode).toBe(200);
  // "Send me my links" for an old participant: a throttle row, a mail job (delivered below).
  expect((await t.app.inject({ method: 'POST', url: '/api/links', payload: { email: a1.email } })).statusCode).toBe(202);

  // The real runner, as server.ts starts it: mail plus the background tasks; it also delivers every
  // mail queued so far, so the send log holds the old participants' addresses before the job runs.
  worker = await startTestRunner(t.config, t.database.url);
  await waitUntil(async () => {
    const r = await sql<{ n: string }>`SELECT count(*) AS n FROM graphile_worker._private_jobs WHERE run_at <= now()`.execute(t.database.db);
    return Number(r.rows[0]!.n) === 0;
  }, 'the mail queued so far');
  const logged = await t.database.db.selectFrom('mail_messages').select('recipient').where('recipient', '=', a1.email).execute();
  expect(logged.length).toBeGreaterThanOrEqual(2);
});
afterAll(async () => {
  await worker?.stop();
  await t?.close();
  await sink?.close();
});

describe('the retention job', () => {
  it('is on the crontab: daily retention and the certificates sweep', () => {
    expect(SCHEDULES.map(scheduledTask)).toEqual(expect.arrayContaining([RETENTION_TASK, CERTIFICATES_TASK]));
  });

  it('anonymises the old cycle: nothing personal left anywhere, counts unchanged, the recent cycle untouched', async () => {
    const oldOnly = old.people.slice(0, 3);
    const needles = oldOnly.flatMap((p) => [p.email, p.firstName, p.lastName]);
    expect((await findEverywhere(t.database.db, needles)).length).toBeGreaterThan(0);
    const statsBefore = await statsOf(old.cycle.id);
    const countsBefore = await countsOf(old.cycle.id);
    const recentBefore = await snapshotOf(recent.cycle.id);
    const recentStats = await statsOf(recent.cycle.id);

    // A throttle counter from two days ago (it goes) beside this hour's from the sign-ups above (they stay).
    const fresh = await t.database.db.selectFrom('throttle_counters').select('scope').execute();
    expect(fresh.length).toBeGreaterThan(0);
    await t.database.db
      .insertInto('throttle_counters')
      .values({ scope: 'signup:email', key: Buffer.alloc(32, 7), window_start: new Date(Date.now() - 2 * 86_400_000), count: 3 })
      .execute();

    await sql`SELECT graphile_worker.add_job(${RETENTION_TASK}::text, job_key => ${RETENTION_TASK}::text)`.execute(t.database.db);
    await waitUntil(async () => {
      const left = await t.database.db
        .selectFrom('registrations')
        .select('id')
        .where('cycle_id', '=', old.cycle.id)
        .where('anonymised_at', 'is', null)
        .execute();
      const queued = await sql<{ n: string }>`SELECT count(*) AS n FROM graphile_worker._private_jobs WHERE key = ${RETENTION_TASK}`.execute(t.database.db);
      return left.length === 0 && Number(queued.rows[0]!.n) === 0;
    }, 'the retention job');

    // Nothing personal is left but the verification record of a1's certificate: her name, kept longer
    // (CERTIFICATE_VERIFICATION_RETENTION_MONTHS) so the certificate still verifies.
    const [a1] = oldOnly as [Person];
    expect(await findEverywhere(t.database.db, needles)).toEqual([
      `certificate_verifications.name ∋ ${a1.firstName}`,
      `certificate_verifications.name ∋ ${a1.lastName}`,
    ]);
    expect(await t.database.db.selectFrom('throttle_counters').select('scope').execute()).toHaveLength(fresh.length);
    expect(await statsOf(old.cycle.id)).toEqual(statsBefore);
    expect(await countsOf(old.cycle.id)).toEqual(countsBefore);
    expect(await snapshotOf(recent.cycle.id)).toEqual(recentBefore);
    expect(await statsOf(recent.cycle.id)).toEqual(recentStats);

    // The send log keeps its rows about the old cycle (they are counts too), without any address.
    const oldMail = await t.database.db.selectFrom('mail_messages').select(['recipient', 'smtp_response']).where('cycle_id', '=', old.cycle.id).execute();
    expect(oldMail.length).toBeGreaterThanOrEqual(4);
    for (const m of oldMail) expect(m).toEqual({ recipient: null, smtp_response: null });

    // The returning person keeps her recent registration and address; her old row is no longer hers.
    const oldRow = await t.database.db
      .selectFrom('registrations as r')
      .innerJoin('participants as p', 'p.id', 'r.participant_id')
      .select(['r.first_name', 'r.last_name', 'r.role', 'p.email', 'r.participant_id'])
      .where('r.id', '=', both.old.id)
      .executeTakeFirstOrThrow();
    expect(oldRow).toMatchObject({ first_name: 'Anonimo', last_name: 'Anonimo', role: null, email: null });
    const recentRow = await t.database.db
      .selectFrom('registrations as r')
      .innerJoin('participants as p', 'p.id', 'r.participant_id')
      .select(['r.first_name', 'p.email', 'r.participant_id'])
      .where('r.id', '=', both.recent.id)
      .executeTakeFirstOrThrow();
    expect(recentRow).toMatchObject({ first_name: both.recent.firstName, email: both.recent.email });
    expect(recentRow.participant_id).not.toBe(oldRow.participant_id);
    // What is held about her now (the one-time link's export) is the recent registration only.
    await t.app.services.privacy.requestPersonLink(both.recent.email, '192.0.2.9');
    const request = await t.database.db
      .selectFrom('personal_data_requests')
      .select('id')
      .where('participant_id', '=', recentRow.participant_id)
      .executeTakeFirstOrThrow();
    const link = tokenKit(Buffer.from(t.config.secretKey!, 'utf8')).token('personal-data', request.id, 0);
    const shown = await t.app.inject({ method: 'GET', url: `/api/personal-data/${link}` });
    expect(shown.json().registrations.map((r: { id: string }) => r.id)).toEqual([both.recent.id]);

    // The old links are dead; the old certificate is anonymised but still verifies, from its own record.
    expect((await t.app.inject({ method: 'GET', url: `/api/registrations/${old.people[0]!.token}` })).statusCode).toBe(404);
    const oldCertificates = await t.database.db.selectFrom('certificates').select(['code', 'name']).where('cycle_id', '=', old.cycle.id).execute();
    expect(oldCertificates).toHaveLength(1);
    expect(oldCertificates[0]!.name).toBe('Anonimo');
    const verified = await t.app.inject({ method: 'GET', url: `/api/certificates/${oldCertificates[0]!.code}` });
    expect(verified.statusCode).toBe(200);
    expect(verified.json()).toMatchObject({ name: `${a1.firstName} ${a1.lastName}`, attendedSessions: 3, heldSessions: 3, hours: 9 });
  });

  it('purges expired one-time links to personal data, and keeps live ones', async () => {
    const now = Date.now();
    const row = (id: string, minutesLeft: number) => ({
      id,
      participant_id: null,
      token_hash: Buffer.from(id.replace(/-/g, '').padEnd(64, '0'), 'hex'),
      created_at: new Date(now - 90 * 60_000),
      expires_at: new Date(now + minutesLeft * 60_000),
    });
    const expired = '00000000-0000-4000-8000-0000000000e1';
    const live = '00000000-0000-4000-8000-0000000000e2';
    await t.database.db
      .insertInto('personal_data_requests')
      .values([row(expired, -30), row(live, 30)])
      .execute();
    const service = privacyService({ db: t.database.db, secret: Buffer.from(t.config.secretKey!, 'utf8'), retentionMonths: 24, verificationMonths: 120 });
    const r = await service.applyRetention();
    expect(r.personalDataRequestsPurged).toBeGreaterThanOrEqual(1);
    const left = (await t.database.db.selectFrom('personal_data_requests').select('id').where('id', 'in', [expired, live]).execute()).map((x) => x.id);
    expect(left).toEqual([live]);
  });

  it('changes nothing when run again', async () => {
    const service = privacyService({ db: t.database.db, secret: Buffer.from(t.config.secretKey!, 'utf8'), retentionMonths: 24, verificationMonths: 120 });
    const before = await snapshotOf(old.cycle.id);
    const again = await service.applyRetention();
    expect(again.anonymised).toBe(0);
    expect(await snapshotOf(old.cycle.id)).toEqual(before);
  });

  it('a shorter retention reaches the recent cycle too (RETENTION_MONTHS is honoured)', async () => {
    const service = privacyService({
      db: t.database.db,
      secret: Buffer.from(t.config.secretKey!, 'utf8'),
      retentionMonths: 1,
      verificationMonths: 120,
      clock: () => new Date(Date.now() + 10 * DAY),
    });
    const r = await service.applyRetention();
    expect(r.anonymised).toBe(2);
    // Her certificate's verification record keeps her name, for its own longer period.
    expect(await findEverywhere(t.database.db, [both.recent.email, both.recent.firstName])).toEqual([
      `certificate_verifications.name ∋ ${both.recent.firstName}`,
    ]);
  });
});
