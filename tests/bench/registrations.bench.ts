// Sign-ups for one hot cycle: the real app over HTTP (autocannon) beside the same transaction sent
// straight through pg (registrations.raw.ts), in the same run, on the same PostgreSQL. Issue 2's goal:
// the app at 60% or more of the raw rate and p99 under 100 ms.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import autocannon from 'autocannon';
import type { FastifyInstance } from 'fastify';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from '../../db/migrate.ts';
import type { Database } from '../../db/schema.ts';
import { buildApp } from '../../server/app.ts';
import { loadConfig, type Config } from '../../server/config.ts';
import { migrateQueue } from '../../server/modules/mail/mail.migrate.ts';
import { ensureNotice } from '../../server/modules/privacy/privacy.repository.ts';
import { createCycle } from '../helpers/factories.ts';
import {
  closedLoop,
  compareStatements,
  cpuPerRequest,
  cpuSample,
  durationSeconds,
  machineLine,
  mib,
  recordStatements,
  startBenchDatabase,
  table,
  warmupSeconds,
  type BenchDatabase,
  type LoopResult,
} from './bench.support.ts';
import { rawRegister } from './registrations.raw.ts';

export const name = 'registrations';
export const description = 'POST /api/cycles/:slug/registrations on one hot cycle vs the same transaction through pg';

const CONCURRENCY = [32, 64];
const SCENARIOS = [
  { label: 'hot cycle, 1,000,000 seats (every request confirmed)', capacity: 1_000_000 },
  { label: 'cycle with 100 seats (all but the first 100 waitlisted)', capacity: 100 },
];
const GOAL_RATIO = 0.6;
const GOAL_P99_MS = 100;

const PERSON = {
  firstName: 'Giulia',
  lastName: 'Rossi',
  organisation: 'Comune di Bergamo',
  role: 'Assistente sociale',
  network: 'Ambito di Dalmine',
};

interface AppResult {
  rate: number;
  created: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  codes: string;
  p50: number;
  p99: number;
}

interface Context {
  app: FastifyInstance;
  baseUrl: string;
  db: Kysely<Database>;
  pool: pg.Pool;
  config: Config;
  pgPid: number | null;
}

/**
 * autocannon runs in its own worker thread (workers: 1) so the load generator does not share the
 * app's event loop; "[<id>]" in the body becomes a fresh id per request, so every e-mail is new.
 */
async function hitApp(ctx: Context, slug: string, connections: number, seconds: number): Promise<AppResult> {
  const body = JSON.stringify({ ...PERSON, email: 'bench.[<id>]@comune.example.it', consent: true });
  const r = await autocannon({
    url: `${ctx.baseUrl}/api/cycles/${slug}/registrations`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    idReplacement: true,
    excludeErrorStats: true,
    connections,
    duration: seconds,
    workers: 1,
    timeout: 30,
  });
  const created = r.statusCodeStats['201']?.count ?? 0;
  const codes = Object.entries(r.statusCodeStats)
    .map(([code, { count }]) => `${code}×${count}`)
    .join(' ');
  return {
    rate: created / r.duration,
    created,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    codes,
    p50: r.latency.p50,
    p99: r.latency.p99,
  };
}

let rawCounter = 0;
const rawRun = randomBytes(4).toString('hex');

async function hitRaw(ctx: Context, slug: string, concurrency: number, seconds: number): Promise<LoopResult> {
  return closedLoop(concurrency, seconds, async () => {
    rawCounter += 1;
    await rawRegister(ctx.pool, slug, { ...PERSON, email: `raw.${rawRun}.${rawCounter}@comune.example.it` }, ctx.config);
  });
}

/**
 * Before measuring: one confirmed and one waitlisted sign-up through the app and through the baseline,
 * recording the SQL each sends. A difference means registrations.raw.ts no longer mirrors the service.
 */
async function checkBaseline(ctx: Context): Promise<string> {
  const results: string[] = [];
  for (const path of ['confirmed', 'waitlisted'] as const) {
    const { cycle: a } = await createCycle(ctx.db, { capacity: 1 });
    const { cycle: b } = await createCycle(ctx.db, { capacity: 1 });
    if (path === 'waitlisted') {
      await hitOnce(ctx, a.slug);
      await rawRegister(ctx.pool, b.slug, { ...PERSON, email: `check.${rawRun}.${path}@comune.example.it` }, ctx.config);
    }
    const app = await recordStatements(() => hitOnce(ctx, a.slug));
    const raw = await recordStatements(() =>
      rawRegister(ctx.pool, b.slug, { ...PERSON, email: `check.${rawRun}.${path}.2@comune.example.it` }, ctx.config),
    );
    const same = compareStatements(app, raw);
    results.push(same === 'same' ? `${path}: same ${app.length} statements` : `${path}: DIFFERENT, ${same}`);
  }
  return results.join('; ');
}

async function hitOnce(ctx: Context, slug: string) {
  const res = await ctx.app.inject({
    method: 'POST',
    url: `/api/cycles/${slug}/registrations`,
    payload: { ...PERSON, email: `check.${randomBytes(6).toString('hex')}@comune.example.it`, consent: true },
  });
  if (res.statusCode !== 201) throw new Error(`check sign-up answered ${res.statusCode}: ${res.body}`);
}

/**
 * Fresh planner statistics before every measurement, as autovacuum keeps them in a running system.
 * Without it the figures drift with autovacuum's timing: graphile_worker.add_jobs keeps the plan it made
 * while its jobs table was empty (a scan), and each sign-up adds nine jobs, so every measurement would
 * be slower than the one before until autovacuum happens to analyze the table (measured: 0.95 ms per
 * add_jobs call on the first thousand, 3.6 ms on the fourth, 0.7 ms after ANALYZE).
 */
async function analyze(db: Kysely<Database>) {
  await sql`ANALYZE`.execute(db);
}

async function counts(db: Kysely<Database>, cycleId: string) {
  const row = await db.selectFrom('cycles').select(['seats_taken', 'waitlist_length']).where('id', '=', cycleId).executeTakeFirstOrThrow();
  return `${row.seats_taken} confirmed + ${row.waitlist_length} waitlisted in the database`;
}

const loadNow = () => os.loadavg()[0]!.toFixed(2);
const ms = (v: number) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : '-');
const rate = (v: number) => v.toFixed(0);

function goal(app: AppResult, raw: LoopResult): string {
  const ratio = raw.rate > 0 ? app.rate / raw.rate : 0;
  const misses = [];
  if (ratio < GOAL_RATIO) misses.push(`ratio ${(ratio * 100).toFixed(0)}% < ${GOAL_RATIO * 100}%`);
  if (!(app.p99 < GOAL_P99_MS)) misses.push(`p99 ${app.p99} ms >= ${GOAL_P99_MS} ms`);
  if (app.non2xx > 0 || app.errors > 0) misses.push(`${app.non2xx} non-2xx, ${app.errors} errors`);
  return misses.length ? `NOT MET (${misses.join('; ')})` : 'met';
}

async function scenario(ctx: Context, label: string, capacity: number, seconds: number, warmup: number) {
  console.log(`\n${label}`);
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const c of CONCURRENCY) {
    if (warmup > 0) {
      const { cycle: w } = await createCycle(ctx.db, { capacity: 1_000_000 });
      await analyze(ctx.db);
      await hitApp(ctx, w.slug, c, warmup);
      await hitRaw(ctx, w.slug, c, warmup);
    }
    const { cycle: forApp } = await createCycle(ctx.db, { capacity });
    await analyze(ctx.db);
    const appCpu0 = cpuSample(ctx.pgPid);
    const app = await hitApp(ctx, forApp.slug, c, seconds);
    const appCpu = cpuPerRequest(appCpu0, cpuSample(ctx.pgPid), app.created);
    const appLoad = loadNow();
    const { cycle: forRaw } = await createCycle(ctx.db, { capacity });
    await analyze(ctx.db);
    const rawCpu0 = cpuSample(ctx.pgPid);
    const raw = await hitRaw(ctx, forRaw.slug, c, seconds);
    const rawCpu = cpuPerRequest(rawCpu0, cpuSample(ctx.pgPid), raw.completed);
    const rawLoad = loadNow();
    rows.push([
      String(c),
      rate(app.rate),
      `${app.p50} ms`,
      `${app.p99} ms`,
      rate(raw.rate),
      ms(raw.p50),
      ms(raw.p99),
      raw.rate > 0 ? `${((app.rate / raw.rate) * 100).toFixed(0)}%` : '-',
      goal(app, raw),
    ]);
    notes.push(
      `  ${c} conns  app: ${app.created} created, statuses ${app.codes || 'none'}, ${app.non2xx} non-2xx, ${app.errors} errors, ${app.timeouts} timeouts; ${await counts(ctx.db, forApp.id)}; CPU ms/request ${appCpu}; load ${appLoad}`,
      `  ${c} conns  raw: ${raw.completed} committed in ${raw.seconds.toFixed(1)} s, ${raw.failed} failed${raw.firstError ? ` (first: ${String(raw.firstError)})` : ''}; ${await counts(ctx.db, forRaw.id)}; CPU ms/request ${rawCpu}; load ${rawLoad}`,
    );
  }
  console.log(
    table(['conns', 'app req/s', 'app p50', 'app p99', 'raw tx/s', 'raw p50', 'raw p99', 'app/raw', `goal (>= ${GOAL_RATIO * 100}%, p99 < ${GOAL_P99_MS} ms)`], rows),
  );
  console.log(notes.join('\n'));
}

/**
 * pool.end() resolves before its idle connections have finished closing; when PostgreSQL stops right
 * after, those connections report "terminating connection due to administrator command" as a pool
 * 'error', which would crash the process on the way out.
 */
function quietOnStop(pool: pg.Pool): pg.Pool {
  pool.on('error', (err: Error & { code?: string }) => {
    if (err.code !== '57P01') console.error('bench: database pool error:', err.message);
  });
  return pool;
}

export async function run(): Promise<void> {
  const rssBefore = process.memoryUsage().rss;
  const seconds = durationSeconds(10);
  const warmup = warmupSeconds(2);
  const poolMax = Number(process.env.BENCH_POOL_MAX ?? 20);
  let database: BenchDatabase | null = null;
  let ctx: Partial<Context> = {};
  try {
    database = await startBenchDatabase();
    const setupPool = quietOnStop(new pg.Pool({ connectionString: database.url, max: 2 }));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: setupPool }) });
    ctx.db = db;
    const config = loadConfig({
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      DEMO_DATA: '0',
      DATA_DIR: database.dir,
      SECRET_KEY: randomBytes(32).toString('base64url'),
      DATABASE_POOL_MAX: String(poolMax),
      PUBLIC_URL: 'http://127.0.0.1',
      // The load comes from one address and autocannon can't give each request its own (it varies the
      // body only): the per-address sign-up limit is set out of reach, as a deployment behind a
      // crowd-sized NAT would. The per-email limit still applies (every e-mail here is new).
      SIGNUP_LIMIT_PER_ADDRESS: '1000000',
    });
    // What server.ts does before it listens: our migrations, the mail queue's schema, the privacy notice.
    await migrateToLatest(db);
    await migrateQueue({ pgPool: setupPool });
    await ensureNotice(db, config.privacyVersion, new Date());
    const app = await buildApp({ config, databaseUrl: database.url, logger: false });
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    quietOnStop(app.pg.pool);
    ctx = { ...ctx, app, config, baseUrl: address, pgPid: database.pid, pool: quietOnStop(new pg.Pool({ connectionString: database.url, max: poolMax })) };

    console.log(`machine:    ${machineLine()}`);
    console.log(`postgres:   ${await database.describe()}`);
    console.log(
      `app:        buildApp, NODE_ENV=production, logger off, DATABASE_POOL_MAX=${poolMax}, on ${address}; load from autocannon in a worker thread`,
    );
    console.log(
      `            each sign-up queues its mail in the same transaction (confirmed: 1 + ${config.reminderOffsetsMs.length} reminders × 4 sessions, one add_jobs call); no mail worker runs`,
    );
    console.log(`raw:        pg.Pool max ${poolMax}, the statements of the service (registrations.raw.ts), same concurrency, no HTTP`);
    const check = await checkBaseline(ctx as Context);
    console.log(`check:      baseline vs app SQL: ${check}`);
    console.log(`runs:       ${seconds} s each after ${warmup} s warm-up, ANALYZE before each; rates count 201s (app) and commits (raw)`);
    console.log(`            autocannon latencies are whole milliseconds (HDR histogram), raw ones are exact`);
    console.log(`            CPU ms/request = node main thread / whole node process (incl. autocannon) / all postgres processes`);

    for (const s of SCENARIOS) await scenario(ctx as Context, s.label, s.capacity, seconds, warmup);
    if (check.includes('DIFFERENT')) {
      console.log('\nWARNING: registrations.raw.ts no longer sends what the service sends (see "check:"); the ratios compare different transactions.');
    }
    console.log(`\nprocess RSS: ${mib(rssBefore)} before, ${mib(process.memoryUsage().rss)} after`);
  } finally {
    await ctx.app?.close();
    await ctx.pool?.end();
    await ctx.db?.destroy();
    await database?.stop();
  }
}
