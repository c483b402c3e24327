// The database goes away at the worst moment for at-most-once delivery: the SMTP server has the message
// and is about to answer 250, and the worker has not yet recorded it as sent. Real mechanism: just
// before the sink accepts, the test (from the server's maintenance database) forbids new connections to
// the test database and terminates every backend of it, then allows connections again a few seconds
// later. The accepted message must stay one message: the row ends 'sent', nothing is delivered twice.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailService } from '../../server/modules/mail/mail.service.ts';
import { adminUrl, createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { createCycle } from '../helpers/factories.ts';
import { awayFromMinuteTurn } from '../helpers/minute.ts';
import { startSmtpSink, waitUntil, type SmtpSink } from '../helpers/smtp.ts';
import { insertRegistrations, logRows, queuedMailJobs, workerConfig } from '../integration/mail.support.ts';
import { startTestRunner, type JobRunner } from '../helpers/jobs.ts';

const OUTAGE_MS = 3_000;

describe('the database down between SMTP accepting a message and the worker marking it sent', () => {
  let database: TestDatabase;
  let sink: SmtpSink;
  let worker: JobRunner | null = null;
  let admin: pg.Client;
  let outages = 0;
  let reopened: Promise<void> = Promise.resolve();

  async function takeDatabaseDown() {
    await admin.query(`ALTER DATABASE ${database.name} WITH ALLOW_CONNECTIONS false`);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [database.name]);
    reopened = new Promise<void>((resolve) => setTimeout(resolve, OUTAGE_MS)).then(async () => {
      await admin.query(`ALTER DATABASE ${database.name} WITH ALLOW_CONNECTIONS true`);
    });
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    sink = await startSmtpSink({
      parse: false,
      // The first message: the outage starts right before the server's 250 goes out.
      beforeReply: async () => {
        if (outages++ === 0) await takeDatabaseDown();
      },
    });
  });
  afterAll(async () => {
    await reopened.catch(() => {});
    await admin?.query(`ALTER DATABASE ${database.name} WITH ALLOW_CONNECTIONS true`).catch(() => {});
    await worker?.stop();
    await admin?.end();
    await sink?.close();
    await database?.drop();
  });

  it('delivers each message once and the row ends sent', async () => {
    const { cycle } = await createCycle(database.db, { capacity: 10 });
    const people = await insertRegistrations(database.db, cycle.id, 3);
    const { messageId } = await mailService({ db: database.db }).sendToCycle(cycle.id, { subject: 'Guasto', body: 'Testo.' });
    // The outage (OUTAGE_MS, then reconnecting) must not span a minute's turn: see helpers/minute.ts.
    await awayFromMinuteTurn();
    // One job at a time: the outage hits exactly one accepted message.
    worker = await startTestRunner(workerConfig(sink.url), database.url, { concurrency: 1 });

    await waitUntil(() => outages > 0, 'the outage', 20_000);
    await reopened;
    const settled = async () =>
      (await queuedMailJobs(database.db, `mail:organiser-message:${messageId}`)).length === 0 &&
      (await logRows(database.db, { template: 'organiser-message' })).every((r) => r.status === 'sent');
    await waitUntil(
      async () => {
        try {
          return await settled();
        } catch {
          return false; // the test's own pool reconnecting after the outage
        }
      },
      'every message recorded as sent',
      30_000,
    );

    const rows = await logRows(database.db, { template: 'organiser-message' });
    console.log(`database down at accept: ${sink.accepted} accepted for ${people.length} people; duplicates ${JSON.stringify(sink.duplicates())}`);
    expect(sink.duplicates()).toEqual([]);
    for (const p of people) expect(sink.to(p.email), p.email).toHaveLength(1);
    expect(rows).toHaveLength(people.length);
    for (const r of rows) {
      expect(r).toMatchObject({ status: 'sent', possible_duplicate: false });
      expect(r.smtp_response).toMatch(/^250/);
    }
  });
});
