// Sign-ups (issue 11), printed beside the goals table of the issue:
// 1. closed loop, 64 connections, one hot cycle: the real server over HTTP (autocannon in a worker
//    thread of this process) with the mail worker running inside it as in `npm start`, beside the
//    minimal capacity-checked transaction through pg (registrations.raw.ts), same PostgreSQL, same run;
// 2. the crowd: 5,000 simultaneous sign-ups for 40 seats against one server process, then against two,
//    each person with their own
//    X-Forwarded-For (TRUST_PROXY=127.0.0.1): answers, order, time to the last answer, server RSS after.
// Every server is `node <npm start's Node options> server/server.ts` with the mail worker inside, as
// deployed: its memory and its pauses depend on those options (package.json, README "Memory").
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import autocannon from 'autocannon';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from '../../db/migrate.ts';
import type { Database } from '../../db/schema.ts';
import { loadConfig } from '../../server/config.ts';
import { migrateQueue } from '../../server/jobs/jobs.migrate.ts';
import { ensureNotice } from '../../server/modules/privacy/privacy.repository.ts';
import { createCycle } from '../helpers/factories.ts';
import { freePort, startNodeOptions, startServer, type ServerProcess } from '../helpers/server-process.ts';
import {
  closedLoop,
  cpuPerRequest,
  cpuSample,
  durationSeconds,
  machineLine,
  mib,
  startBenchDatabase,
  table,
  warmupSeconds,
  type BenchDatabase,
} from './bench.support.ts';
import { postJson } from './crowd.client.ts';
import { startSinkProcess } from './mail.sink.ts';
import { rawRegister } from './registrations.raw.ts';

export const name = 'registrations';
export const description = 'sign-ups on one hot cycle vs the minimal transaction; the 5,000-for-40 crowd on one and two processes';

const CONNECTIONS = 64;
const CROWD = 5_000;
const SEATS = 40;
const GOALS = { ratio: 1.5, p99: 100, crowdMs: 10_000, rssMiB: 250 };
const SECRET = randomBytes(32).toString('base64url');
const PERSON = { firstName: 'Giulia', lastName: 'Rossi', organisation: 'Comune di Bergamo', role: null, network: null, consent: true };

const met = (ok: boolean) => (ok ? 'met' : 'NOT MET');
const loadNow = () => os.loadavg()[0]!.toFixed(2);

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

interface CrowdResult {
  cycleId: string;
  lastAnswerMs: number;
  codes: string;
  confirmed: number;
  waitlisted: number;
  inOrder: boolean;
  errors: number;
}

/** Everyone at once, round-robin over the servers; checks seats and order against the database. */
async function crowd(db: Kysely<Database>, bases: string[]): Promise<CrowdResult> {
  const { cycle } = await createCycle(db, { capacity: SEATS });
  const run = randomBytes(3).toString('hex');
  const t0 = performance.now();
  let last = 0;
  let errors = 0;
  const answers = await Promise.all(
    Array.from({ length: CROWD }, async (_, i) => {
      try {
        const res = await postJson(
          bases[i % bases.length]!,
          `/api/cycles/${cycle.slug}/registrations`,
          JSON.stringify({ ...PERSON, email: `folla.${run}.${i}@comune.example.it` }),
          { 'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
        );
        const body = JSON.parse(res.body) as { registration?: { id: string; status: string; waitlistPosition: number | null } };
        last = Math.max(last, performance.now() - t0);
        return { status: res.status, registration: body.registration };
      } catch {
        errors += 1;
        return { status: 0, registration: undefined };
      }
    }),
  );
  const byCode = new Map<number, number>();
  for (const a of answers) byCode.set(a.status, (byCode.get(a.status) ?? 0) + 1);
  const rows = await db.selectFrom('registrations').select(['id', 'status']).where('cycle_id', '=', cycle.id).orderBy('seq').execute();
  const told = new Map(answers.filter((a) => a.registration).map((a) => [a.registration!.id, a.registration!]));
  const inOrder =
    rows.length === CROWD &&
    rows.every((r, i) => (i < SEATS ? r.status === 'confirmed' : r.status === 'waitlisted' && told.get(r.id)?.waitlistPosition === i - SEATS + 1));
  return {
    cycleId: cycle.id,
    lastAnswerMs: last,
    codes: [...byCode].map(([c, n]) => `${c}×${n}`).join(' '),
    confirmed: rows.filter((r) => r.status === 'confirmed').length,
    waitlisted: rows.filter((r) => r.status === 'waitlisted').length,
    inOrder,
    errors,
  };
}

async function servers(n: number, databaseUrl: string, smtpPort: number, dataDir: string, poolMax: number): Promise<ServerProcess[]> {
  const out: ServerProcess[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      await startServer(
        {
          PORT: String(await freePort()),
          NODE_ENV: 'production',
          PUBLIC_URL: 'http://127.0.0.1',
          DATABASE_URL: databaseUrl,
          DATA_DIR: dataDir,
          SECRET_KEY: SECRET,
          SERVE_WEB: '0',
          DEMO_DATA: '0',
          LOG_LEVEL: 'warn',
          SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
          TRUST_PROXY: '127.0.0.1',
          // The closed loop (autocannon) sends every request from one address; the crowd sends each
          // person's own X-Forwarded-For. The per-address limit is lifted so the loop measures sign-ups.
          SIGNUP_LIMIT_PER_ADDRESS: '1000000',
          DATABASE_POOL_MAX: String(poolMax),
        },
        { nodeOptions: startNodeOptions() },
      ),
    );
  }
  return out;
}

export async function run(): Promise<void> {
  const seconds = durationSeconds(10);
  const warmup = warmupSeconds(2);
  const poolMax = Number(process.env.BENCH_POOL_MAX ?? 20);
  let database: BenchDatabase | null = null;
  const sink = await startSinkProcess();
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    database = await startBenchDatabase();
    const setupPool = new pg.Pool({ connectionString: database.url, max: 2 });
    setupPool.on('error', () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: setupPool }) });
    cleanups.push(() => db.destroy());
    const { privacyVersion } = loadConfig({ NODE_ENV: 'production', DATA_DIR: database.dir, SECRET_KEY: SECRET });
    await migrateToLatest(db);
    await migrateQueue({ pgPool: setupPool });
    await ensureNotice(db, privacyVersion, new Date());

    console.log(`machine:    ${machineLine()}`);
    console.log(`postgres:   ${await database.describe()}`);
    console.log(
      `app:        node ${startNodeOptions().join(' ')} server/server.ts, NODE_ENV=production, DATABASE_POOL_MAX=${poolMax}, mail worker in the same process (SMTP sink in a child process)`,
    );
    console.log(`raw:        lock the cycle row, insert, counter bumped by the trigger, commit; pg.Pool max ${poolMax}, ${CONNECTIONS} async clients`);
    console.log(`runs:       ${seconds} s after ${warmup} s warm-up, ANALYZE before each, load ${loadNow()}`);

    // 1. Closed loop on one hot cycle.
    const [app] = await servers(1, database.url, sink.port, database.dir, poolMax);
    cleanups.push(() => app!.stop());
    const hit = async (slug: string, duration: number) =>
      autocannon({
        url: `${app!.base}/api/cycles/${slug}/registrations`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...PERSON, email: `bench.[<id>]@comune.example.it` }),
        idReplacement: true,
        connections: CONNECTIONS,
        duration,
        workers: 1,
        timeout: 30,
      });
    const { cycle: warm } = await createCycle(db, { capacity: 1_000_000 });
    await sql`ANALYZE`.execute(db);
    if (warmup > 0) await hit(warm.slug, warmup);
    const { cycle: hot } = await createCycle(db, { capacity: 1_000_000 });
    await sql`ANALYZE`.execute(db);
    const appCpu0 = cpuSample(database.pid, app!.pid);
    const a = await hit(hot.slug, seconds);
    const created = a.statusCodeStats['201']?.count ?? 0;
    const appCpu = cpuPerRequest(appCpu0, cpuSample(database.pid, app!.pid), created);
    const appRate = created / a.duration;
    const appLoad = loadNow();
    await app!.stop();

    const rawPool = new pg.Pool({ connectionString: database.url, max: poolMax });
    rawPool.on('error', () => {});
    const { cycle: rawCycle } = await createCycle(db, { capacity: 1_000_000 });
    await sql`ANALYZE`.execute(db);
    let n = 0;
    const tag = randomBytes(3).toString('hex');
    if (warmup > 0) await closedLoop(CONNECTIONS, warmup, () => rawRegister(rawPool, rawCycle.id, `warm.${tag}.${n++}@x.it`));
    const rawCpu0 = cpuSample(database.pid);
    const raw = await closedLoop(CONNECTIONS, seconds, () => rawRegister(rawPool, rawCycle.id, `raw.${tag}.${n++}@x.it`));
    const rawCpu = cpuPerRequest(rawCpu0, cpuSample(database.pid), raw.completed);
    await rawPool.end();
    const ratio = raw.rate > 0 ? appRate / raw.rate : 0;
    console.log(`\nclosed loop, ${CONNECTIONS} connections, one hot cycle`);
    console.log(
      table(
        ['measure', 'figure', 'goal', ''],
        [
          ['app sign-ups/s', appRate.toFixed(0), '', ''],
          ['minimal transaction tx/s', raw.rate.toFixed(0), '', ''],
          ['app ÷ baseline', `${ratio.toFixed(2)}×`, `≥ ${GOALS.ratio}×`, met(ratio >= GOALS.ratio)],
          ['app p50 / p99', `${a.latency.p50} / ${a.latency.p99} ms`, `p99 < ${GOALS.p99} ms`, met(a.latency.p99 < GOALS.p99)],
          ['baseline p50 / p99', `${raw.p50.toFixed(1)} / ${raw.p99.toFixed(1)} ms`, '', ''],
        ],
      ),
    );
    console.log(
      `  app: ${created} created, ${a.non2xx} non-2xx, ${a.errors} errors, ${a.timeouts} timeouts (load ${appLoad}); raw: ${raw.completed} committed, ${raw.failed} failed${raw.firstError ? ` (${String(raw.firstError)})` : ''} (load ${loadNow()})`,
    );
    console.log(`  CPU ms per sign-up (node main thread / whole node process / postgres): server ${appCpu}; raw (its loop in this process) ${rawCpu}`);

    // 2. The crowd, on one server process and then on two.
    for (const count of [1, 2]) {
      const procs = await servers(count, database.url, sink.port, database.dir, poolMax);
      cleanups.push(() => Promise.all(procs.map((p) => p.stop())));
      const rssBefore = procs.map((p) => rssOf(p.pid));
      const r = await crowd(
        db,
        procs.map((p) => p.base),
      );
      const rss = procs.map((p) => rssOf(p.pid));
      // Each person one mail: the send log of the crowd's cycle (the sink also gets what earlier
      // measurements left queued), and the sink's count of Message-IDs delivered twice.
      const sentFor = async () =>
        (
          await sql<{ n: number; people: number }>`
            SELECT count(*)::int AS n, count(DISTINCT registration_id)::int AS people FROM mail_messages
             WHERE cycle_id = ${r.cycleId} AND status = 'sent'`.execute(db)
        ).rows[0]!;
      // Mail follows the crowd (the worker waits for sign-ups to be quiet): give it time on a busy machine.
      const mailsFrom = Date.now();
      const until = mailsFrom + 300_000;
      let mails = await sentFor();
      // The highest RSS of each server while the crowd's mail (and what earlier measurements left) goes out.
      const mailingPeak = [...rss];
      while (mails.n < CROWD && Date.now() < until) {
        await new Promise((res) => setTimeout(res, 500));
        procs.forEach((p, i) => (mailingPeak[i] = Math.max(mailingPeak[i]!, rssOf(p.pid))));
        mails = await sentFor();
      }
      const mailsSeconds = ((Date.now() - mailsFrom) / 1000).toFixed(0);
      const delivered = await sink.stats();
      console.log(`\n${CROWD} simultaneous sign-ups for ${SEATS} seats, ${count} server process${count > 1 ? 'es' : ''} (load ${loadNow()})`);
      const exact = r.confirmed === SEATS && r.waitlisted === CROWD - SEATS && r.inOrder;
      console.log(
        table(
          ['measure', 'figure', 'goal', ''],
          [
            ['answers', r.codes + (r.errors ? `, ${r.errors} connection errors` : ''), `${CROWD}×201`, met(r.codes === `201×${CROWD}`)],
            [
              'seats',
              `${r.confirmed} confirmed, ${r.waitlisted} waitlisted, order ${r.inOrder ? 'exact' : 'WRONG'}`,
              `${SEATS} + ${CROWD - SEATS} in order`,
              met(exact),
            ],
            ['last answer', `${(r.lastAnswerMs / 1000).toFixed(1)} s`, `< ${GOALS.crowdMs / 1000} s`, met(r.lastAnswerMs < GOALS.crowdMs)],
            [
              'mails sent (send log)',
              `${mails.n} to ${mails.people} people (all sent ${mailsSeconds} s after the last answer); ${delivered.duplicates} duplicates at the sink`,
              `${CROWD}, one each`,
              met(mails.n === CROWD && mails.people === CROWD && delivered.duplicates === 0),
            ],
            [
              'server RSS before → after',
              procs.map((_, i) => `${mib(rssBefore[i]!)} → ${mib(rss[i]!)}`).join('; '),
              `≤ ${GOALS.rssMiB} MiB`,
              met(rss.every((x) => x <= GOALS.rssMiB * 1024 * 1024)),
            ],
            [
              'server RSS, highest while mailing',
              mailingPeak.map((x) => mib(x)).join('; '),
              `≤ ${GOALS.rssMiB} MiB`,
              met(mailingPeak.every((x) => x <= GOALS.rssMiB * 1024 * 1024)),
            ],
          ],
        ),
      );
      await Promise.all(procs.map((p) => p.stop()));
      cleanups.pop();
    }
    console.log(`\ncommand: npm run bench registrations (BENCH_DURATION=${seconds} BENCH_WARMUP=${warmup} BENCH_POOL_MAX=${poolMax})`);
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => {});
    await sink.stop();
    await database?.stop();
  }
}
