// A worker process killed with SIGKILL in the middle of an organiser's message to 60 people, then a new
// one started: the jobs the dead worker held must not wait for graphile-worker's 4-hour lock timeout.
// Counted per recipient at a real SMTP server; only a message the log flags possible_duplicate (its
// SMTP transaction was cut by the kill, so the server may have kept it) may arrive twice.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailService } from '../../server/modules/mail/mail.service.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { createCycle } from '../helpers/factories.ts';
import { startSmtpSink, waitUntil, type SmtpSink } from '../helpers/smtp.ts';
import { spawnWorker, type WorkerProcess } from '../helpers/worker-process.ts';
import { insertRegistrations, logRows, queuedMailJobs } from '../integration/mail.support.ts';

const N = 60;

describe('a mail worker process killed mid-batch', () => {
  let database: TestDatabase;
  let sink: SmtpSink;
  let dataDir: string;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    // Slow enough that the kill lands with several messages in flight.
    sink = await startSmtpSink({ delayMs: 150, parse: false });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'officina-mail-killed-'));
  });
  afterAll(async () => {
    for (const w of workers) await w.stop('SIGKILL');
    await sink?.close();
    await database?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a new worker delivers everything within a minute; duplicates only where flagged', async () => {
    const { cycle } = await createCycle(database.db, { capacity: N + 10 });
    const people = await insertRegistrations(database.db, cycle.id, N);
    const { messageId } = await mailService({ db: database.db }).sendToCycle(cycle.id, { subject: 'Interrotto', body: 'Testo.' });
    const start = () => {
      const w = spawnWorker({ databaseUrl: database.url, smtpUrl: sink.url, dataDir, env: { MAIL_CONCURRENCY: '6' } });
      workers.push(w);
      return w;
    };

    const first = start();
    await sink.waitFor(() => sink.accepted >= 20, `20 deliveries before the kill (worker output: ${first.output()})`, 30_000);
    await first.stop('SIGKILL');
    const atKill = sink.accepted;

    const second = start();
    const delivered = () => new Set(sink.messages.flatMap((m) => m.to)).size;
    const drained = async () => (await queuedMailJobs(database.db, `mail:organiser-message:${messageId}`)).length === 0;
    await waitUntil(async () => delivered() >= N && (await drained()), `all ${N} delivered after the restart`, 60_000).catch((err) => {
      const locked = sink.accepted;
      throw new Error(`${(err as Error).message}: ${delivered()} of ${N} people reached (${locked} accepted, ${atKill} before the kill)`);
    });
    await second.stop('SIGTERM');

    const rows = (await logRows(database.db, { template: 'organiser-message' })).filter((r) => r.job_key?.includes(messageId));
    const flagged = new Set(rows.filter((r) => r.possible_duplicate).map((r) => r.recipient));
    const counts = people.map((p) => ({ email: p.email, n: sink.to(p.email).length }));
    const twice = counts.filter((c) => c.n === 2).map((c) => c.email);
    console.log(
      `worker killed: ${atKill} delivered before the kill; after restart ${sink.accepted} accepted for ${N} people; ` +
        `${twice.length} twice; ${flagged.size} flagged possible_duplicate`,
    );
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(N);
    for (const c of counts) {
      if (flagged.has(c.email)) expect(c.n, c.email).toBeGreaterThanOrEqual(1);
      else expect(c.n, `${c.email} (not flagged)`).toBe(1);
      expect(c.n, c.email).toBeLessThanOrEqual(2);
    }
    for (const email of twice) expect(flagged.has(email), `${email} delivered twice without the flag`).toBe(true);
    // Only what was in flight at the kill can be in doubt.
    expect(flagged.size).toBeLessThanOrEqual(6);
  }, 120_000);
});
