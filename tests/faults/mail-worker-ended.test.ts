// graphile-worker ends a worker whose job it cannot complete (the database connection died during
// completeJob): "Failed to release job; committing seppuku". Before the fix that worker's job stayed
// locked for 4 hours and the runner ran on with one worker fewer (none, at concurrency 1), so the rest
// of the queue waited for a restart. Real mechanism: the test holds the job's row lock, so the worker's
// completeJob waits on it, and terminates that backend the way a PostgreSQL restart would.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailService } from '../../server/modules/mail/mail.service.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { createCycle } from '../helpers/factories.ts';
import { startSmtpSink, waitUntil, type SmtpSink } from '../helpers/smtp.ts';
import { insertRegistrations, logRows, queuedMailJobs, workerConfig } from '../integration/mail.support.ts';
import { startTestRunner, type JobRunner } from '../helpers/jobs.ts';

describe('a worker ended by a connection lost while completing its job', () => {
  let database: TestDatabase;
  let sink: SmtpSink;
  let worker: JobRunner | null = null;
  let holder: pg.Client;
  let killer: pg.Client;
  let held = false;

  beforeAll(async () => {
    database = await createTestDatabase();
    holder = new pg.Client({ connectionString: database.url });
    killer = new pg.Client({ connectionString: database.url });
    await holder.connect();
    await killer.connect();
    sink = await startSmtpSink({
      parse: false,
      // The first message: before the 250, lock its job row, so the worker's completeJob will wait on it.
      beforeReply: async (offer) => {
        if (held || offer.attempt > 1) return;
        held = true;
        await holder.query('BEGIN');
        await holder.query(`SELECT id FROM graphile_worker._private_jobs WHERE locked_by IS NOT NULL FOR UPDATE`);
      },
    });
  });
  afterAll(async () => {
    await holder?.query('ROLLBACK').catch(() => {});
    await holder?.end();
    await killer?.end();
    await worker?.stop();
    await sink?.close();
    await database?.drop();
  });

  it('releases the job and goes on with the queue, each person one email', async () => {
    const { cycle } = await createCycle(database.db, { capacity: 10 });
    const people = await insertRegistrations(database.db, cycle.id, 4);
    const { messageId } = await mailService({ db: database.db }).sendToCycle(cycle.id, { subject: 'Seppuku', body: 'Testo.' });
    worker = await startTestRunner(workerConfig(sink.url), database.url, { concurrency: 1 });

    // The worker's completeJob waits for the row lock: end that backend.
    let victims = 0;
    await waitUntil(
      async () => {
        const r = await killer.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'`,
        );
        victims += r.rowCount ?? 0;
        return victims > 0;
      },
      'the worker waiting on the job row',
      20_000,
    );
    await holder.query('ROLLBACK');

    const drained = async () => (await queuedMailJobs(database.db, `mail:organiser-message:${messageId}`)).length === 0;
    await waitUntil(
      async () => new Set(sink.messages.flatMap((m) => m.to)).size >= people.length && (await drained()),
      'every mail delivered and the queue drained',
      40_000,
    ).catch(async (err) => {
      const jobs = await queuedMailJobs(database.db, `mail:organiser-message:${messageId}`);
      throw new Error(`${(err as Error).message}: ${sink.accepted} accepted; jobs left ${JSON.stringify(jobs.map((j) => j.locked_by))}`);
    });

    console.log(`worker ended at completeJob: ${victims} backend terminated; ${sink.accepted} accepted for ${people.length} people`);
    expect(sink.duplicates()).toEqual([]);
    for (const p of people) expect(sink.to(p.email), p.email).toHaveLength(1);
    const rows = await logRows(database.db, { template: 'organiser-message' });
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(people.length);
  }, 90_000);
});
