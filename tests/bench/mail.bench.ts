// 10,000 queued confirmation mails (four meetings, calendar attachment) delivered by the real worker to
// an smtp-server sink in its own process, beside a baseline in the same run: nodemailer's pooled
// transport sending the same 10,000 messages, rendered beforehand, straight to the same sink (no queue,
// no database). Prints emails/s and resident memory sampled every 100 ms. Goal: 300/s, memory flat.
//
// Alone: `npx tsx tests/bench/mail.bench.ts`; with the others: `npm run bench mail`.
// BENCH_MAIL_COUNT, BENCH_MAIL_CONCURRENCY, BENCH_MAIL_CONNECTIONS override the defaults.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { sql, Kysely, PostgresDialect } from 'kysely';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { migrateToLatest } from '../../db/migrate.ts';
import type { Database } from '../../db/schema.ts';
import { loadConfig } from '../../server/config.ts';
import { tokenKit } from '../../server/lib/tokens.ts';
import { mailComposer } from '../../server/modules/mail/mail.compose.ts';
import { MAIL_MAX_ATTEMPTS } from '../../server/modules/mail/mail.jobs.ts';
import { migrateQueue } from '../../server/modules/mail/mail.migrate.ts';
import { messageIdFor, toMessage } from '../../server/modules/mail/mail.transport.ts';
import { startMailWorker } from '../../server/modules/mail/mail.worker.ts';
import { headerMessageId } from '../helpers/smtp.ts';
import { machineLine, mib, startBenchDatabase, table } from './bench.support.ts';

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

// ---- the sink, in a child process (a remote MTA does not share our CPU's event loop) ------------------

interface SinkStats {
  accepted: number;
  unique: number;
  duplicates: number;
}

function runSinkChild() {
  const seen = new Map<string, number>();
  let accepted = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    maxClients: 500,
    closeTimeout: 500,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const id = headerMessageId(Buffer.concat(chunks));
        seen.set(id, (seen.get(id) ?? 0) + 1);
        accepted += 1;
        callback(null, `Queued as ${accepted}`);
      });
    },
  });
  server.listen(0, '127.0.0.1', () => {
    const port = (server as unknown as { server: { address(): { port: number } } }).server.address().port;
    process.send!({ type: 'ready', port });
  });
  process.on('message', (m: { type: string }) => {
    if (m.type === 'stats') {
      let duplicates = 0;
      for (const n of seen.values()) if (n > 1) duplicates += n - 1;
      process.send!({ type: 'stats', stats: { accepted, unique: seen.size, duplicates } satisfies SinkStats });
    } else if (m.type === 'reset') {
      seen.clear();
      accepted = 0;
      process.send!({ type: 'reset' });
    } else if (m.type === 'stop') {
      server.close(() => process.exit(0));
    }
  });
}

async function startSinkProcess(): Promise<{ port: number; stats(): Promise<SinkStats>; reset(): Promise<void>; stop(): Promise<void> }> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, OFFICINA_BENCH_MAIL_SINK: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = <T>(type: string) =>
    new Promise<T>((resolve) => {
      const on = (m: { type: string; stats?: SinkStats }) => {
        if (m.type !== type) return;
        child.off('message', on);
        resolve((m.stats ?? undefined) as T);
      };
      child.on('message', on);
      child.send({ type });
    });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (m: { type: string; port?: number }) => m.type === 'ready' && resolve(m.port!));
  });
  return {
    port,
    stats: () => ask<SinkStats>('stats'),
    reset: () => ask<void>('reset'),
    stop: () => new Promise<void>((resolve) => (child.once('exit', () => resolve()), child.send({ type: 'stop' }))),
  };
}

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
      const q = (f: number) => samples[Math.min(samples.length - 1, Math.floor(f * (samples.length - 1)))]!.rss;
      return { peak, start: samples[0]!.rss, quarters: [q(0.25), q(0.5), q(0.75), q(1)], peakHeap: Math.max(...samples.map((s) => s.heap)) };
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
    await db.insertInto('participants').values(rows.map((r) => ({ id: r.participantId, email: r.email, locale: r.locale }))).execute();
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

/** One confirmation job per registration, in one statement (what 10,000 sign-ups leave behind). */
async function enqueueAll(db: Kysely<Database>, cycleId: string): Promise<number> {
  const r = await sql<{ n: string }>`
    WITH added AS (
      SELECT graphile_worker.add_job('mail',
               payload => json_build_object('kind', 'registration-confirmed', 'registrationId', r.id),
               max_attempts => ${MAIL_MAX_ATTEMPTS}::int, job_key => 'mail:registration-confirmed:' || r.id)
        FROM registrations r WHERE r.cycle_id = ${cycleId}::uuid)
    SELECT count(*) AS n FROM added`.execute(db);
  return Number(r.rows[0]!.n);
}

// ---- the run --------------------------------------------------------------------------------------------

export async function run(): Promise<void> {
  const concurrency = envInt('BENCH_MAIL_CONCURRENCY', 32);
  const connections = envInt('BENCH_MAIL_CONNECTIONS', 8);
  console.log(machineLine());
  const bench = await startBenchDatabase('officina_mail_bench');
  const sink = await startSinkProcess();
  const pool = new pg.Pool({ connectionString: bench.url, max: 4 });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    if (process.env.EXPERIMENT_ASYNC) await sql.raw(`ALTER DATABASE officina_mail_bench SET synchronous_commit = off`).execute(db);
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
    const worker = await startMailWorker({ config, databaseUrl: bench.url, secretKey: SECRET });
    worker.runner.events.on('job:success', () => (succeeded += 1));
    worker.runner.events.on('job:error', () => (failed += 1));
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
    const composer = mailComposer({ db, publicUrl: PUBLIC_URL, timezone: 'Europe/Rome', mailFrom: config.mailFrom, tokens: tokenKit(Buffer.from(SECRET)) });
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
    console.log(`\nenqueue of ${queued} jobs in one statement: ${(enqueueMs / 1000).toFixed(2)} s; baseline render of ${messages.length}: ${renderSeconds.toFixed(1)} s (not timed below)`);
    console.log(
      table(
        ['path', 'emails', 'seconds', 'emails/s', 'peak RSS', 'RSS at start / 25% / 50% / 75% / end', 'sink unique', 'duplicates'],
        [
          ['queue → worker → SMTP', String(queued), queueSeconds.toFixed(1), queueRate.toFixed(0), mib(qMem.peak), [qMem.start, ...qMem.quarters].map(mib).join(' / '), String(queueSink.unique), String(queueSink.duplicates)],
          ['baseline: nodemailer only', String(messages.length), baseSeconds.toFixed(1), baseRate.toFixed(0), mib(bMem.peak), [bMem.start, ...bMem.quarters].map(mib).join(' / '), String(baseSink.unique), String(baseSink.duplicates)],
        ],
      ),
    );
    console.log(`send log: ${log.rows.map((r) => `${r.status} ${r.n}`).join(', ')}`);
    console.log(`queue path at ${((queueRate / baseRate) * 100).toFixed(0)}% of the baseline rate`);
    const flat = qMem.quarters[3]! <= qMem.quarters[0]! * 1.15 + 16 * 1024 * 1024;
    console.log(
      `goal ${GOAL_RATE}/s: ${queueRate >= GOAL_RATE ? 'met' : 'NOT met'} (${queueRate.toFixed(0)}/s); ` +
        `memory ${flat ? 'flat' : 'NOT flat'} (first quarter ${mib(qMem.quarters[0]!)}, end ${mib(qMem.quarters[3]!)}); ` +
        `delivered ${queueSink.unique}/${queued}, ${queueSink.duplicates} duplicates`,
    );
  } finally {
    await db.destroy();
    await sink.stop();
    await bench.stop();
  }
}

if (process.env.OFFICINA_BENCH_MAIL_SINK === '1') {
  runSinkChild();
} else if (import.meta.url === `file://${process.argv[1]}`) {
  run().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
