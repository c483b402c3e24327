// The catalogue feed with 500 sessions (100 published cycles × 5): time to build it (renderCalendar
// alone, and the service's queries + validators + render), time to serve it over real HTTP, and the 304
// path, beside a bare Fastify route that returns a static string of the same size, in the same run.
// Issue 5's goal: under 20 ms median to build.
//
// `npm run bench calendars`, or alone: `node tests/bench/calendars.bench.ts`.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import Fastify, { type FastifyInstance } from 'fastify';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from '../../db/migrate.ts';
import type { Database } from '../../db/schema.ts';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { tokenKit } from '../../server/lib/tokens.ts';
import { calendarsService } from '../../server/modules/calendars/calendars.service.ts';
import { createCycle } from '../helpers/factories.ts';
import { durationSeconds, machineLine, percentile, startBenchDatabase, table, type BenchDatabase } from './bench.support.ts';

export const name = 'calendars';
export const description = 'GET /ical/catalogue.ics with 500 sessions: build, serve, 304, against a static route of the same size';

const CYCLES = 100;
const SESSIONS_PER_CYCLE = 5;
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 300);
const GOAL_BUILD_MS = 20;

const WARMUP = Number(process.env.BENCH_WARMUP_RUNS ?? 100);

interface Stats {
  median: number;
  p95: number;
  mean: number;
  /** Median CPU time of this process per run: on a busy machine, wall time also counts waiting for a core. */
  cpuMedian: number;
}

function stats(samples: number[], cpu: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const cpuSorted = [...cpu].sort((a, b) => a - b);
  return {
    median: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
    cpuMedian: percentile(cpuSorted, 50),
  };
}

/** Runs fn WARMUP times so the JIT has optimised it, then `n` timed times, one after the other. */
async function timed(n: number, fn: () => unknown | Promise<unknown>): Promise<Stats> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const samples: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < n; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return stats(samples, cpu);
}

async function fetchStatus(url: string, headers: Record<string, string> = {}, expected = 200) {
  const res = await fetch(url, { headers });
  await res.arrayBuffer();
  if (res.status !== expected) throw new Error(`${url}: ${res.status}, expected ${expected}`);
}

async function throughput(url: string, headers: Record<string, string>, seconds: number) {
  const r = await autocannon({ url, headers, connections: 8, duration: seconds, workers: 1 });
  const codes = Object.entries(r.statusCodeStats)
    .map(([code, { count }]) => `${code}×${count}`)
    .join(' ');
  return { rate: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, codes };
}

const ms = (v: number) => `${v.toFixed(2)} ms`;

export async function run(): Promise<void> {
  let database: BenchDatabase | null = null;
  let app: FastifyInstance | null = null;
  let baseline: FastifyInstance | null = null;
  let db: Kysely<Database> | null = null;
  try {
    database = await startBenchDatabase('officina_bench_ical');
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 2 }) }) });
    await migrateToLatest(db);
    const days = Array.from({ length: SESSIONS_PER_CYCLE }, (_, i) => 7 + i * 7);
    for (let i = 0; i < CYCLES; i++) {
      await createCycle(db, { title: `Ciclo ${i + 1}: mediazione, co-progettazione; welfare di comunità`, sessionDays: days });
    }

    const config = loadConfig({
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      DEMO_DATA: '0',
      DATA_DIR: database.dir,
      SECRET_KEY: randomBytes(32).toString('base64url'),
      PUBLIC_URL: 'http://127.0.0.1',
    });
    app = await buildApp({ config, databaseUrl: database.url, logger: false });
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const feedUrl = `${address}/ical/catalogue.ics`;

    const feed = await app.services.calendars.catalogueFeed({ locale: 'it' });
    const body = feed.render();
    const events = body.split('BEGIN:VEVENT').length - 1;
    if (events !== CYCLES * SESSIONS_PER_CYCLE) throw new Error(`expected ${CYCLES * SESSIONS_PER_CYCLE} events, got ${events}`);

    // Same size, no work: what Fastify + HTTP cost for this many bytes.
    baseline = Fastify({ logger: false });
    baseline.get('/static.ics', async (_req, reply) => reply.type('text/calendar; charset=utf-8').header('etag', '"static"').send(body));
    baseline.get('/static-304', async (_req, reply) => reply.code(304).header('etag', '"static"').send());
    const baseAddress = await baseline.listen({ host: '127.0.0.1', port: 0 });

    console.log(`machine:    ${machineLine()}`);
    console.log(
      `data:       ${CYCLES} published cycles × ${SESSIONS_PER_CYCLE} sessions = ${events} events, ${(Buffer.byteLength(body) / 1024).toFixed(0)} KiB of iCalendar`,
    );
    console.log(`runs:       ${ITERATIONS} sequential timed runs each after ${WARMUP} warm-up runs; HTTP over 127.0.0.1 with fetch (keep-alive)`);
    console.log(`            cpu = CPU time of this process (app + client) per run; wall includes waiting for a core on a busy machine`);

    // The same service without its render cache: every request builds the calendar from the rows.
    const uncached = calendarsService({
      db: app.db,
      publicUrl: config.publicUrl,
      timezone: config.timezone,
      tokens: tokenKit(randomBytes(32)),
      renderCacheBytes: 0,
    });
    const coldFeed = await uncached.catalogueFeed({ locale: 'it' });
    if (coldFeed.render() !== body || coldFeed.etag !== feed.etag) throw new Error('cached and uncached feeds differ');

    const n = ITERATIONS;
    const render = await timed(n, () => coldFeed.render());
    const validators = await timed(n, () => app!.services.calendars.catalogueFeed({ locale: 'it' }));
    const service = await timed(n, async () => (await uncached.catalogueFeed({ locale: 'it' })).render());
    const cached = await timed(n, async () => (await app!.services.calendars.catalogueFeed({ locale: 'it' })).render());
    const http200 = await timed(n, () => fetchStatus(feedUrl));
    const http304 = await timed(n, () => fetchStatus(feedUrl, { 'if-none-match': feed.etag }, 304));
    const base200 = await timed(n, () => fetchStatus(`${baseAddress}/static.ics`));
    const base304 = await timed(n, () => fetchStatus(`${baseAddress}/static-304`, {}, 304));

    const row = (label: string, s: Stats) => [label, ms(s.median), ms(s.p95), ms(s.mean), ms(s.cpuMedian)];
    console.log(
      '\n' +
        table(
          ['measurement', 'median', 'p95', 'mean', 'cpu median'],
          [
            row('build: renderCalendar alone (500 events)', render),
            row('build: query + ETag + renderCalendar', service),
            row('query + ETag only (the 304 work)', validators),
            row('query + ETag + render cache hit', cached),
            row('HTTP GET 200 (full feed)', http200),
            row('HTTP GET 304 (If-None-Match)', http304),
            row('baseline: static same-size 200', base200),
            row('baseline: static 304', base304),
          ],
        ),
    );
    const verdict = render.median < GOAL_BUILD_MS ? 'met' : 'NOT MET';
    console.log(
      `\ngoal (median build < ${GOAL_BUILD_MS} ms): ${verdict} — renderCalendar ${ms(render.median)} (cpu ${ms(render.cpuMedian)}); ` +
        `from the database, uncached, ${ms(service.median)} (cpu ${ms(service.cpuMedian)}); load average ${os.loadavg()[0]!.toFixed(2)}`,
    );

    const seconds = durationSeconds(5);
    console.log(`\nthroughput: autocannon, 8 connections, ${seconds} s each`);
    const t = [
      ['feed 200', await throughput(feedUrl, {}, seconds)],
      ['feed 304', await throughput(feedUrl, { 'if-none-match': feed.etag }, seconds)],
      ['baseline static 200', await throughput(`${baseAddress}/static.ics`, {}, seconds)],
      ['baseline static 304', await throughput(`${baseAddress}/static-304`, {}, seconds)],
    ] as const;
    console.log(
      table(
        ['route', 'req/s', 'p50', 'p99', 'statuses'],
        t.map(([l, r]) => [l, r.rate.toFixed(0), `${r.p50} ms`, `${r.p99} ms`, r.codes]),
      ),
    );
  } finally {
    await baseline?.close();
    await app?.close();
    await db?.destroy();
    await database?.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
