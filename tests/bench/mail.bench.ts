// 10,000 queued confirmation mails (four meetings, calendar attachment) delivered by the real worker to
// an smtp-server sink in its own process, beside a baseline in the same run: nodemailer's pooled
// transport sending the same 10,000 messages, rendered beforehand, straight to the same sink (no queue,
// no database). Prints emails/s and resident memory sampled every 100 ms. Goal: 300/s, memory flat.
//
// Alone: `node tests/bench/mail.bench.ts`; with the others: `npm run bench mail`.
// BENCH_MAIL_COUNT, BENCH_MAIL_CONCURRENCY, BENCH_MAIL_CONNECTIONS override the defaults.
import { randomBytes, randomUUID } from 'node:crypto';
import { sql, Kysely, PostgresDialect } from 'kysely';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import pg from 'pg';
import { migrateToLatest } from '../../db/migrate.ts';
import type { Database } from '../../db/schema.ts';
import { loadConfig } from '../../server/config.ts';
import { tokenKit } from '../../server/lib/tokens.ts';
import { mailComposer } from '../../server/modules/mail/mail.compose.ts';
import { MAIL_MAX_ATTEMPTS, MAIL_TASK } from '../../server/modules/mail/mail.jobs.ts';
import { migrateQueue } from '../../server/jobs/jobs.migrate.ts';
import { messageIdFor, toMessage } from '../../server/modules/mail/mail.transport.ts';
import { machineLine, mib, startBenchDatabase, table } from './bench.support.ts';
import { startSinkProcess } from './mail.sink.ts';
import { startTestRunner } from '../helpers/jobs.ts';

export const name = 'mail';
export const description = '10,000 queued mails through the worker to an SMTP sink vs nodemailer straight to the sink';

const envInt = (key: string, fallback: number) => {
  const n = Number(process.env[key]);
  return Number.isInteger(n) && n > 0 ? n : fallback;
};
const COUNT = envInt('BENCH_MAIL_COUNT', 10_000);
const GOAL_RATE = 300;
const SECRET = 'bench-secret-key-bench-secret-key-0123456789';
const PUBLIC_URL = 'https://officina.example.org';

// ---- memory sampling ------------------------------------------------------------------------------------

function sampleMemory() {
  const samples: { at: number; rss: number; heap: number }[] = [];
  const take = () => {
    const m = process.memoryUsage();
    samples.push({ at: performance.now(), rss: m.rss, heap: m.heapUsed });
  };
  take();
  const timer = setInterval(take, 100);
  return {
    stop() {
      clearInterval(timer);
      take();
      const peak = Math.max(...samples.map((s) => s.rss));
      // RSS over the run in quarters: flat memory means the last quarter is not above the first.
      const at = (f: number) => samples[Math.min(samples.length - 1, Math.floor(f * (samples.length - 1)))]!;
      const quarters = [0.25, 0.5, 0.75, 1].map(at);
      // The lowest heap in each quarter (just after a collection) is what stays alive: a leak raises it
      // quarter after quarter, while the peaks only show when the collector happened to run.
      const n = samples.length;
      const retained = [0, 1, 2, 3].map((k) =>
        Math.min(...samples.slice(Math.floor((k * n) / 4), Math.max(Math.floor(((k + 1) * n) / 4), Math.floor((k * n) / 4) + 1)).map((s) => s.heap)),
      );
      return { peak, start: samples[0]!.rss, quarters: quarters.map((s) => s.rss), retained, peakHeap: Math.max(...samples.map((s) => s.heap)) };
    },
  };
}

// ---- data -----------------------------------------------------------------------------------------------

async function seed(db: Kysely<Database>, n: number): Promise<string> {
  const theme = await db.insertInto('themes').values({ slug: 'bench', name_it: 'Bench', name_en: 'Bench' }).returning('id').executeTakeFirstOrThrow();
  const cycle = await db
    .insertInto('cycles')
    .values({
      slug: 'mediazione-bench',
      theme_id: theme.id,
      title: 'Mediazione interculturale nei servizi',
      format: 'hybrid',
      location: 'Milano, Via Rovello 2',
      capacity: n + 10,
      publication: 'published',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const day = 86_400_000;
  for (let i = 0; i < 4; i++) {
    const start = new Date(Date.now() + (10 + 7 * i) * day);
    await db
      .insertInto('sessions')
      .values({
        cycle_id: cycle.id,
        title: `Incontro ${i + 1}`,
        starts_at: start,
        ends_at: new Date(start.getTime() + 3 * 3_600_000),
        location: 'Milano, Via Rovello 2',
        online_url: `https://meet.example.org/mediazione-${i + 1}`,
      })
      .execute();
  }
  for (let done = 0; done < n; done += 1000) {
    const rows = Array.from({ length: Math.min(1000, n - done) }, (_, k) => ({
      id: randomUUID(),
      participantId: randomUUID(),
      email: `persona.${done + k}@comune.example.it`,
      locale: (done + k) % 5 === 0 ? ('en' as const) : ('it' as const),
    }));
    await db
      .insertInto('participants')
      .values(rows.map((r) => ({ id: r.participantId, email: r.email, locale: r.locale })))
      .execute();
    await db
      .insertInto('registrations')
      .values(
        rows.map((r, k) => ({
          id: r.id,
          cycle_id: cycle.id,
          participant_id: r.participantId,
          status: 'confirmed' as const,
          first_name: `Persona${done + k}`,
          last_name: 'Rossi',
          organisation: 'Comune di Bergamo',
          token_hash: randomBytes(32),
          calendar_token_hash: randomBytes(32),
          locale: r.locale,
          consent_version: '2026-11-01',
          consent_at: new Date(),
          confirmed_at: new Date(),
        })),
      )
      .execute();
  }
  return cycle.id;
}

/** One confirmation job per registration, in one add_jobs call (what 10,000 sign-ups leave behind). */
async function enqueueAll(db: Kysely<Database>, cycleId: string): Promise<number> {
  const r = await sql<{ n: string }>`
    SELECT count(*) AS n FROM graphile_worker.add_jobs(ARRAY(
      SELECT ROW('mail', json_build_object('kind', 'registration-confirmed', 'registrationId', r.id), NULL, NULL,
                 ${MAIL_MAX_ATTEMPTS}::int, 'mail:registration-confirmed:' || r.id, 0, NULL)::graphile_worker.job_spec
        FROM registrations r WHERE r.cycle_id = ${cycleId}::uuid))`.execute(db);
  return Number(r.rows[0]!.n);
}

/** BENCH_MAIL_TRACE=1: where a job's time goes (waiting for get_job, the task, complete_job), after 8 s. */
function traceJobs(worker: { runner: { events: unknown } }) {
  type E = { worker: { workerId: string } };
  const ev = worker.runner.events as { on(event: string, f: (e: E) => void): void };
  const at = new Map<string, number>();
  const acc = { get: 0, task: 0, complete: 0, n: 0 };
  const since = (key: string) => performance.now() - (at.get(key) ?? performance.now());
  ev.on('worker:getJob:start', (e) => at.set(`${e.worker.workerId}:g`, performance.now()));
  ev.on('job:start', (e) => ((acc.get += since(`${e.worker.workerId}:g`)), at.set(`${e.worker.workerId}:s`, performance.now())));
  ev.on('job:success', (e) => ((acc.task += since(`${e.worker.workerId}:s`)), at.set(`${e.worker.workerId}:c`, performance.now())));
  ev.on('job:complete', (e) => ((acc.complete += since(`${e.worker.workerId}:c`)), (acc.n += 1)));
  const ms = (v: number) => (v / Math.max(acc.n, 1)).toFixed(1);
  setTimeout(() => console.log(`trace: per job get ${ms(acc.get)} ms, task ${ms(acc.task)} ms, complete ${ms(acc.complete)} ms (n=${acc.n})`), 8000).unref();
}

// ---- the run --------------------------------------------------------------------------------------------

export async function run(): Promise<void> {
  // Defaults = the app's defaults (MAIL_CONCURRENCY, MAIL_SMTP_CONNECTIONS), chosen with this benchmark.
  const concurrency = envInt('BENCH_MAIL_CONCURRENCY', 16);
  const connections = envInt('BENCH_MAIL_CONNECTIONS', 8);
  console.log(machineLine());
  const bench = await startBenchDatabase('officina_mail_bench');
  const sink = await startSinkProcess();
  const pool = new pg.Pool({ connectionString: bench.url, max: 4 });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    console.log(await bench.describe());
    await migrateToLatest(db);
    await migrateQueue({ pgPool: pool });
    const cycleId = await seed(db, COUNT);
    const config = loadConfig({
      NODE_ENV: 'production',
      PUBLIC_URL,
      SECRET_KEY: SECRET,
      SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
      DATA_DIR: bench.dir,
      MAIL_CONCURRENCY: String(concurrency),
      MAIL_SMTP_CONNECTIONS: String(connections),
    });
    console.log(`${COUNT} registrations; worker concurrency ${concurrency}, SMTP pool ${connections} connections`);

    // 1. Through the queue: enqueue, then the worker sends until every job has succeeded.
    let t0 = performance.now();
    const queued = await enqueueAll(db, cycleId);
    const enqueueMs = performance.now() - t0;
    global.gc?.();
    const memQueue = sampleMemory();
    let succeeded = 0;
    let failed = 0;
    t0 = performance.now();
    // Mail alone, as the server runs it (its concurrency, 1 s poll): no reminder tick among the jobs counted.
    const worker = await startTestRunner(config, bench.url, { concurrency: config.mailConcurrency, pollInterval: 1_000, tasks: [MAIL_TASK] });
    worker.runner.events.on('job:success', () => (succeeded += 1));
    worker.runner.events.on('job:error', () => (failed += 1));
    if (process.env.BENCH_MAIL_TRACE) traceJobs(worker);
    while (succeeded < queued) {
      await new Promise((r) => setTimeout(r, 50));
      if (failed > 0 && failed >= queued) break;
    }
    const queueSeconds = (performance.now() - t0) / 1000;
    const qMem = memQueue.stop();
    await worker.stop();
    const queueSink = await sink.stats();
    const log = await sql<{ status: string; n: string }>`SELECT status, count(*) AS n FROM mail_messages GROUP BY status`.execute(db);

    // 2. Baseline: the same messages rendered up front, then nodemailer straight to the sink.
    await sink.reset();
    const composer = mailComposer({
      db,
      publicUrl: PUBLIC_URL,
      timezone: 'Europe/Rome',
      mailFrom: config.mailFrom,
      programmeContact: null,
      tokens: tokenKit(Buffer.from(SECRET)),
    });
    const ids = (await db.selectFrom('registrations').select('id').where('cycle_id', '=', cycleId).execute()).map((r) => r.id);
    t0 = performance.now();
    const messages: SendMailOptions[] = [];
    for (const id of ids) {
      const c = await composer.compose({ kind: 'registration-confirmed', registrationId: id }, new Date());
      if (!c.send) throw new Error(`baseline: ${c.reason}`);
      messages.push(toMessage(c.draft, { from: config.mailFrom, messageId: messageIdFor(`baseline:${id}`, PUBLIC_URL) }));
    }
    const renderSeconds = (performance.now() - t0) / 1000;
    global.gc?.();
    const memBase = sampleMemory();
    const transport = nodemailer.createTransport({ url: config.smtpUrl, pool: true, maxConnections: connections, maxMessages: 500 });
    t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < messages.length) await transport.sendMail(messages[next++]!);
      }),
    );
    const baseSeconds = (performance.now() - t0) / 1000;
    const bMem = memBase.stop();
    transport.close();
    const baseSink = await sink.stats();

    const queueRate = queued / queueSeconds;
    const baseRate = messages.length / baseSeconds;
    console.log(
      `\nenqueue of ${queued} jobs in one add_jobs call: ${(enqueueMs / 1000).toFixed(2)} s; baseline render of ${messages.length}: ${renderSeconds.toFixed(1)} s (not timed below)`,
    );
    console.log(
      table(
        ['path', 'emails', 'seconds', 'emails/s', 'peak RSS', 'RSS at start / 25% / 50% / 75% / end', 'sink unique', 'duplicates'],
        [
          [
            'queue → worker → SMTP',
            String(queued),
            queueSeconds.toFixed(1),
            queueRate.toFixed(0),
            mib(qMem.peak),
            [qMem.start, ...qMem.quarters].map(mib).join(' / '),
            String(queueSink.unique),
            String(queueSink.duplicates),
          ],
          [
            'baseline: nodemailer only',
            String(messages.length),
            baseSeconds.toFixed(1),
            baseRate.toFixed(0),
            mib(bMem.peak),
            [bMem.start, ...bMem.quarters].map(mib).join(' / '),
            String(baseSink.unique),
            String(baseSink.duplicates),
          ],
        ],
      ),
    );
    console.log(`send log: ${log.rows.map((r) => `${r.status} ${r.n}`).join(', ')}`);
    console.log(`queue path at ${((queueRate / baseRate) * 100).toFixed(0)}% of the baseline rate`);
    // Flat: what stays alive in the last quarter is not above the first quarter's (plus 10%): nothing
    // accumulates per message. (A run with --expose-gc over 20,000 mails kept 46 MiB after each GC.)
    const flat = qMem.retained[3]! <= qMem.retained[0]! * 1.1;
    console.log(
      `goal ${GOAL_RATE}/s: ${queueRate >= GOAL_RATE ? 'met' : 'NOT met'} (${queueRate.toFixed(0)}/s); ` +
        `memory ${flat ? 'flat' : 'NOT flat'} (live heap by quarter ${qMem.retained.map(mib).join(' / ')}, peak heap ${mib(qMem.peakHeap)}); ` +
        `delivered ${queueSink.unique}/${queued}, ${queueSink.duplicates} duplicates`,
    );
  } finally {
    await db.destroy();
    await sink.stop();
    await bench.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
