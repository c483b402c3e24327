// The sign-up pipeline with batches that mix good and bad sign-ups: one transaction decides everyone
// in arrival order, and a refused person never fails the others (nor writes anything).
import { AppError } from '../../server/lib/errors.ts';
import { msg } from '../../server/lib/i18n.ts';
import { tokenKit } from '../../server/lib/tokens.ts';
import { queueNotifier } from '../../server/modules/mail/mail.notifier.ts';
import { signupPipeline, type SignupLimits, type SignupRequest } from '../../server/modules/registrations/registrations.pipeline.ts';
import { activeAmong } from '../../server/modules/registrations/registrations.repository.ts';
import { Kysely, PostgresDialect, sql, type CompiledQuery } from 'kysely';
import pg from 'pg';
import type { Database } from '../../db/schema.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';
import { queuedMailJobs } from './mail.support.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t?.close());

const person = (email: string) => {
  const b = registrationBody({ email });
  return { firstName: b.firstName, lastName: b.lastName, email, organisation: b.organisation, role: null, network: null };
};

function pipeline(limits?: SignupLimits) {
  return signupPipeline({
    db: t.database.db,
    tokens: tokenKit(Buffer.from(t.config.secretKey!, 'utf8')),
    privacyVersion: t.config.privacyVersion,
    notifier: queueNotifier(),
    queueMax: 100,
    waitMs: 30_000,
    concurrentBatches: 1,
    limits,
  });
}

const outcome = (p: Promise<{ record: { status: string } }>) =>
  p.then(
    (r) => r.record.status,
    (e: unknown) => (e instanceof AppError ? e.code : `unexpected: ${String(e)}`),
  );

describe('a batch with valid, duplicate, closed, refused and full items', () => {
  it('answers each person on their own, in arrival order, in one transaction', async () => {
    // Sign-ups closed an hour ago: the public is refused, the organiser's walk-ins are not.
    const { cycle } = await createCycle(t.database.db, { capacity: 3, waitlistEnabled: false, registrationClosesAt: new Date(Date.now() - 3_600_000) });
    const earlier = 'gia.iscritta@comune.example.it';
    const seed = await t.app.services.registrationManagement.add(cycle.id, {
      ...person(earlier),
      locale: 'it',
      source: 'organiser',
      consent: true,
      addSeat: false,
    });
    expect(seed.registration.status).toBe('confirmed');

    const limited = 'troppe.volte@comune.example.it';
    const limits: SignupLimits = {
      async consume(_trx, requests) {
        return requests.map((r) => (r.person.email === limited ? new AppError(429, 'rate_limited', msg('error_too_many_requests')) : null));
      },
    };
    const p = pipeline(limits);
    const walkIn = (email: string, addSeat = false): SignupRequest => ({
      cycle: { id: cycle.id },
      person: person(email),
      locale: 'it',
      source: 'walk_in',
      addSeat,
      clientKey: null,
    });
    const web = (email: string): SignupRequest => ({ ...walkIn(email), source: 'web', clientKey: '10.0.0.1' });
    // All submitted in the same tick: they share one lane, so one batch.
    const answers = await Promise.all(
      [
        walkIn('prima@comune.example.it'), // a seat
        walkIn('prima@comune.example.it'), // the same address again, in the same batch
        walkIn(earlier), // already registered before the batch
        web('dal.sito@comune.example.it'), // the public form after closing time
        walkIn(limited), // refused by the sign-up limits
        walkIn('seconda@comune.example.it'), // the last seat
        walkIn('terza@comune.example.it'), // full, no waiting list
        walkIn('in.sala@comune.example.it', true), // full, but the organiser adds a seat for her
      ].map((r) => outcome(p.submit(r))),
    );
    await p.close();
    expect(answers).toEqual([
      'confirmed',
      'already_registered',
      'already_registered',
      'registration_closed',
      'rate_limited',
      'confirmed',
      'cycle_full',
      'confirmed',
    ]);

    // Written: exactly the three seats of the batch (one transaction: one created_at), in arrival order;
    // the capacity grew by the one added seat; nobody refused became a participant.
    const rows = await t.database.db
      .selectFrom('registrations as r')
      .innerJoin('participants as pa', 'pa.id', 'r.participant_id')
      .select(['pa.email', 'r.status', 'r.source', 'r.created_at'])
      .where('r.cycle_id', '=', cycle.id)
      .where('pa.email', '<>', earlier)
      .orderBy('r.seq')
      .execute();
    expect(rows.map((r) => [r.email, r.status, r.source])).toEqual([
      ['prima@comune.example.it', 'confirmed', 'walk_in'],
      ['seconda@comune.example.it', 'confirmed', 'walk_in'],
      ['in.sala@comune.example.it', 'confirmed', 'walk_in'],
    ]);
    expect(new Set(rows.map((r) => new Date(r.created_at).getTime())).size).toBe(1);
    const after = await t.database.db.selectFrom('cycles').select(['capacity', 'seats_taken']).where('id', '=', cycle.id).executeTakeFirstOrThrow();
    expect(after).toEqual({ capacity: 4, seats_taken: 4 });
    const strangers = await t.database.db
      .selectFrom('participants')
      .select('email')
      .where('email', 'in', ['dal.sito@comune.example.it', limited, 'terza@comune.example.it'])
      .execute();
    expect(strangers).toEqual([]);
    // One mail job per new registration, queued in the batch's transaction.
    const jobs = await queuedMailJobs(t.database.db, 'mail:registration-confirmed:');
    expect(jobs).toHaveLength(4); // the three of the batch and the seed's
  });

  it('answers a 503 with Retry-After past the queue bound, and writes nothing for it', async () => {
    const { cycle } = await createCycle(t.database.db, { capacity: 10 });
    const p = signupPipeline({
      db: t.database.db,
      tokens: tokenKit(Buffer.from(t.config.secretKey!, 'utf8')),
      privacyVersion: t.config.privacyVersion,
      notifier: queueNotifier(),
      queueMax: 3,
      waitMs: 30_000,
      concurrentBatches: 1,
    });
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        p
          .submit({ cycle: { slug: cycle.slug }, person: person(`coda.${i}@comune.example.it`), locale: 'it', source: 'web', addSeat: false, clientKey: null })
          .then(
            (r) => r.record.status,
            (e: AppError) => `${e.statusCode} ${e.code} retry-after ${e.retryAfterSeconds}`,
          ),
      ),
    );
    await p.close();
    expect(answers).toEqual(['confirmed', 'confirmed', 'confirmed', '503 service_unavailable retry-after 5', '503 service_unavailable retry-after 5']);
    const n = await t.database.db
      .selectFrom('registrations')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('cycle_id', '=', cycle.id)
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(3);
  });
});

describe('the duplicate check of a batch', () => {
  // A cycle that is filling up (the crowd the pipeline is for) has far more rows than the statistics
  // of the last ANALYZE gave it: when they saw the table held by earlier cycles, they put the new one at
  // about one row, and a plain join then read every registration of the cycle for each batch, under the
  // cycle lock (22 ms at 14,000). Counted in rows read, not time: the machines are noisy.
  it('reads about one registration per person, however many the cycle holds since the last ANALYZE', async () => {
    const signups = pipeline();
    const tag = Math.random().toString(36).slice(2, 8);
    // 2,000 people in rounds of 100 (this pipeline's queue bound).
    const fill = async (cycleId: string, prefix: string) => {
      for (let round = 0; round < 20; round++) {
        await Promise.all(
          Array.from({ length: 100 }, (_, i) =>
            signups.submit({
              cycle: { id: cycleId },
              person: person(`${prefix}.${tag}.${round * 100 + i}@example.it`),
              locale: 'it',
              source: 'organiser',
              addSeat: false,
              clientKey: null,
            }),
          ),
        );
      }
    };
    const { cycle: earlier } = await createCycle(t.database.db, { capacity: 10_000 });
    await fill(earlier.id, 'prima');
    const { cycle } = await createCycle(t.database.db, { capacity: 10_000 });
    await sql`ANALYZE registrations`.execute(t.database.db);
    await sql`ANALYZE participants`.execute(t.database.db);
    await fill(cycle.id, 'folla');
    const asked = [...Array.from({ length: 24 }, (_, i) => `nuova.${tag}.${i}@example.it`), `folla.${tag}.7@example.it`];
    // The statement activeAmong sends, captured through Kysely's log, then explained with its buffers.
    let sent: CompiledQuery | null = null;
    const pool = new pg.Pool({ connectionString: t.database.url, max: 1 });
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool }),
      log: (event) => {
        // (begin and commit are logged too)
        if (event.level === 'query' && /^select/i.test(event.query.sql)) sent = event.query;
      },
    });
    try {
      const found = await db.transaction().execute((trx) => activeAmong(trx, cycle.id, asked));
      expect([...found]).toEqual([`folla.${tag}.7@example.it`]);
      const query = sent as CompiledQuery | null;
      if (!query) throw new Error('activeAmong sent no statement');
      const plan = await pool.query<{ 'QUERY PLAN': [{ Plan: { 'Shared Hit Blocks': number; 'Shared Read Blocks': number } }] }>(
        `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${query.sql}`,
        query.parameters as unknown[],
      );
      const top = plan.rows[0]!['QUERY PLAN'][0].Plan;
      // Three or four index pages per person asked; the whole cycle is 2,000 rows on ~8,000 pages read.
      expect(top['Shared Hit Blocks'] + top['Shared Read Blocks']).toBeLessThan(500);
    } finally {
      await db.destroy();
    }
  });
});
