// The SMTP server accepted a message, the database is down, and the worker process is stopped (SIGTERM)
// before the database returns: the worker cannot record 'sent', and its memory of the server's 250 ends
// with it. The next worker on the same machine must still know the message was accepted (the proof is
// kept in DATA_DIR) and record it sent instead of sending a second copy.
// Database down: connections to the test database forbidden and its backends terminated, from the
// server's maintenance database, until the test allows them again.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailService } from '../../server/modules/mail/mail.service.ts';
import { adminUrl, createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { createCycle } from '../helpers/factories.ts';
import { startSmtpSink, waitUntil, type SmtpSink } from '../helpers/smtp.ts';
import { spawnWorker, type WorkerProcess } from '../helpers/worker-process.ts';
import { insertRegistrations, logRows, queuedMailJobs } from '../integration/mail.support.ts';

describe('a message accepted while the database is down, and the worker stopped before it returns', () => {
  let database: TestDatabase;
  let sink: SmtpSink;
  let admin: pg.Client;
  let dataDir: string;
  let down = false;
  const workers: WorkerProcess[] = [];

  const allowConnections = (allow: boolean) => admin.query(`ALTER DATABASE ${database.name} WITH ALLOW_CONNECTIONS ${allow}`);

  beforeAll(async () => {
    database = await createTestDatabase();
    admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'officina-mail-proof-'));
    sink = await startSmtpSink({
      parse: false,
      // The first message: the database goes down right before the server's 250.
      beforeReply: async () => {
        if (down) return;
        down = true;
        await allowConnections(false);
        await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [database.name]);
      },
    });
  });
  afterAll(async () => {
    await allowConnections(true).catch(() => {});
    for (const w of workers) await w.stop('SIGKILL');
    await admin?.end();
    await sink?.close();
    await database?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('the next worker records it sent: one copy, not flagged', async () => {
    const { cycle } = await createCycle(database.db, { capacity: 10 });
    const people = await insertRegistrations(database.db, cycle.id, 3);
    const { messageId } = await mailService({ db: database.db }).sendToCycle(cycle.id, { subject: 'Prova', body: 'Testo.' });
    const start = () => {
      const w = spawnWorker({ databaseUrl: database.url, smtpUrl: sink.url, dataDir, env: { MAIL_CONCURRENCY: '1' } });
      workers.push(w);
      return w;
    };

    const first = start();
    await waitUntil(() => /not yet recorded, retrying/.test(first.output()), 'the worker waiting for the database', 30_000).catch((err) => {
      throw new Error(`${(err as Error).message}: ${first.output()}`);
    });
    const exit = await first.stop('SIGTERM', 40_000);
    expect(exit.signal, first.output()).toBeNull();
    await allowConnections(true);

    start();
    const settled = async () =>
      (await queuedMailJobs(database.db, `mail:organiser-message:${messageId}`)).length === 0 &&
      (await logRows(database.db, { template: 'organiser-message' })).filter((r) => r.status === 'sent').length === people.length;
    await waitUntil(async () => settled().catch(() => false), 'every message recorded as sent', 40_000);

    const rows = await logRows(database.db, { template: 'organiser-message' });
    console.log(
      `accepted while the database was down, worker stopped: ${sink.accepted} accepted for ${people.length} people; ` +
        `${rows.filter((r) => r.possible_duplicate).length} flagged possible_duplicate`,
    );
    expect(sink.duplicates()).toEqual([]);
    for (const p of people) expect(sink.to(p.email), p.email).toHaveLength(1);
    for (const r of rows) {
      expect(r).toMatchObject({ status: 'sent', possible_duplicate: false });
      expect(r.smtp_response).toMatch(/^250/);
    }
  }, 120_000);
});
