// Faults: an SMTP server that says "later" (451) or "never" (550), a worker stopped or killed in the
// middle of a batch, two workers on the same queue. Delivery is counted at a real SMTP server by
// Message-ID (one per message, derived from its deduplication key).
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailService } from '../../server/modules/mail/mail.service.ts';
import { testConfig } from '../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { createCycle } from '../helpers/factories.ts';
import { startSmtpSink, waitUntil, type SmtpSink } from '../helpers/smtp.ts';
import { insertRegistrations, logRows, queuedMailJobs, workerConfig } from './mail.support.ts';
import { startTestRunner, type JobRunner } from '../helpers/jobs.ts';

describe('mail under faults', () => {
  let database: TestDatabase;
  const sinks: SmtpSink[] = [];
  const workers: JobRunner[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    for (const w of workers) await w.stop();
    for (const s of sinks) await s.close();
    await database?.drop();
  });

  async function sink(options: Parameters<typeof startSmtpSink>[0] = {}) {
    const s = await startSmtpSink(options);
    sinks.push(s);
    return s;
  }
  async function worker(s: SmtpSink, concurrency = 4) {
    const w = await startTestRunner(workerConfig(s.url), database.url, { concurrency });
    workers.push(w);
    return w;
  }
  /** A cycle with n confirmed people and one organiser message to all of them: n queued mails. */
  async function batch(n: number, subject: string) {
    const { cycle } = await createCycle(database.db, { capacity: n + 10 });
    const people = await insertRegistrations(database.db, cycle.id, n);
    const sent = await mailService({ db: database.db }).sendToCycle(cycle.id, { subject, body: 'Testo del messaggio.' });
    expect(sent.recipients).toBe(n);
    return { cycle, people, messageId: sent.messageId };
  }
  const queueEmpty = async (prefix: string) => (await queuedMailJobs(database.db, prefix)).length === 0;

  it('451 for the first two attempts, then accepted: each mail delivered exactly once, after three attempts', async () => {
    const s = await sink({ respond: (o) => (o.attempt <= 2 ? { code: 451, message: '4.3.0 Try again later' } : undefined) });
    const { people, messageId } = await batch(5, 'Rinvio');
    const w = await worker(s);
    await s.waitFor(() => s.accepted >= 5, '5 deliveries after retries', 40_000);
    await waitUntil(() => queueEmpty(`mail:organiser-message:${messageId}`), 'queue drained');
    await w.stop();
    expect(s.accepted).toBe(5);
    expect(s.refused).toBe(10);
    expect(s.duplicates()).toEqual([]);
    for (const p of people) {
      const [row] = await logRows(database.db, { registrationId: p.id });
      expect(row).toMatchObject({ status: 'sent', attempts: 3, possible_duplicate: false });
      expect(s.to(p.email)).toHaveLength(1);
    }
  });

  it('550: recorded as failed with the server’s answer, not retried', async () => {
    const s = await sink({ respond: (o) => (o.to.some((a) => a.startsWith('refused.')) ? { code: 550, message: '5.1.1 No such user' } : undefined) });
    const { cycle } = await createCycle(database.db, { capacity: 10 });
    const [refused] = await insertRegistrations(database.db, cycle.id, 1, { emailPrefix: 'refused' });
    const fine = await insertRegistrations(database.db, cycle.id, 2, { emailPrefix: 'fine' });
    const { messageId } = await mailService({ db: database.db }).sendToCycle(cycle.id, { subject: 'Avviso', body: 'Testo.' });
    const w = await worker(s);
    await waitUntil(() => queueEmpty(`mail:organiser-message:${messageId}`), 'queue drained');
    await w.stop();
    const [row] = await logRows(database.db, { registrationId: refused!.id });
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row!.error).toContain('No such user');
    expect(row!.smtp_response).toMatch(/^550/);
    expect(s.offers.size).toBe(3);
    expect([...s.offers.values()]).toEqual([1, 1, 1]);
    for (const p of fine) expect((await logRows(database.db, { registrationId: p.id }))[0]!.status).toBe('sent');
  });

  it('a worker stopped in the middle of a batch and started again: nothing lost, no duplicates', async () => {
    const s = await sink({ delayMs: 15, parse: false });
    const { people, messageId } = await batch(100, 'Lotto');
    const first = await worker(s);
    await s.waitFor(() => s.accepted >= 30, 'a third of the batch');
    await first.stop();
    const atStop = s.accepted;
    const second = await worker(s);
    await s.waitFor(() => new Set(s.messages.map((m) => m.messageId)).size >= 100, 'the whole batch', 30_000);
    await waitUntil(() => queueEmpty(`mail:organiser-message:${messageId}`), 'queue drained');
    await second.stop();
    const unique = new Set(s.messages.map((m) => m.messageId)).size;
    console.log(`stop/restart: ${atStop} delivered before the stop, ${unique} unique in all, ${s.duplicates().length} duplicates`);
    expect(atStop).toBeLessThan(100);
    expect(unique).toBe(people.length);
    expect(s.duplicates()).toEqual([]);
    const rows = await logRows(database.db, { template: 'organiser-message' });
    const ours = rows.filter((r) => r.job_key?.includes(messageId));
    expect(ours.filter((r) => r.status === 'sent')).toHaveLength(100);
    expect(ours.filter((r) => r.possible_duplicate)).toHaveLength(0);
  });

  it('a worker process killed (SIGKILL) mid-batch: nothing lost; every duplicate delivery is one the log flagged', async () => {
    const s = await sink({ delayMs: 20, parse: false });
    const n = 120;
    const { messageId } = await batch(n, 'Crash');
    const config = testConfig();
    const child = spawn(process.execPath, ['server/worker.ts'], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        DATABASE_URL: database.url,
        SMTP_URL: s.url,
        SECRET_KEY: config.secretKey!,
        PUBLIC_URL: config.publicUrl,
        // The test PUBLIC_URL is not a loopback address: say that test mode there is meant.
        ALLOW_DEVELOPMENT_MODE: '1',
        DATA_DIR: config.dataDir,
        MAIL_CONCURRENCY: '8',
        LOG_LEVEL: 'silent',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += String(d)));
    child.stderr.on('data', (d) => (output += String(d)));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      await s.waitFor(() => s.accepted >= 40, `the worker process to deliver 40 (output: ${output})`, 30_000);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const atKill = s.accepted;
    // No manual force_unlock_workers: the new worker finds the dead runner in queue_runners (its pid is
    // gone from this machine) and releases its jobs as it starts.
    const second = await worker(s, 8);
    await s.waitFor(() => new Set(s.messages.map((m) => m.messageId)).size >= n, 'every message after the restart', 40_000);
    await waitUntil(() => queueEmpty(`mail:organiser-message:${messageId}`), 'queue drained', 40_000);
    await second.stop();

    const unique = new Set(s.messages.map((m) => m.messageId)).size;
    const dups = s.duplicates();
    const rows = (await logRows(database.db, { template: 'organiser-message' })).filter((r) => r.job_key?.includes(messageId));
    const flagged = rows.filter((r) => r.possible_duplicate);
    console.log(
      `SIGKILL: ${atKill} delivered before the kill; ${unique}/${n} unique after restart; ` +
        `${dups.length} delivered twice; ${flagged.length} flagged possible_duplicate in the log`,
    );
    expect(unique).toBe(n);
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(n);
    const flaggedIds = new Set(flagged.map((r) => r.message_id));
    for (const d of dups) expect(flaggedIds.has(d.messageId), `unflagged duplicate ${d.messageId}`).toBe(true);
  });

  it('two workers on 200 queued mails: every mail delivered once', async () => {
    const s = await sink({ parse: false });
    const { messageId } = await batch(200, 'Doppio');
    const done = [0, 0];
    const a = await worker(s, 8);
    const b = await worker(s, 8);
    a.runner.events.on('job:success', () => (done[0]! += 1));
    b.runner.events.on('job:success', () => (done[1]! += 1));
    await s.waitFor(() => s.accepted >= 200, '200 deliveries', 30_000);
    await waitUntil(() => queueEmpty(`mail:organiser-message:${messageId}`), 'queue drained');
    await Promise.all([a.stop(), b.stop()]);
    console.log(`two workers: ${done[0]} + ${done[1]} jobs; ${s.accepted} accepted; ${s.duplicates().length} duplicates`);
    expect(new Set(s.messages.map((m) => m.messageId)).size).toBe(200);
    expect(s.accepted).toBe(200);
    expect(s.duplicates()).toEqual([]);
  });
});
