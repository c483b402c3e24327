// The reads everyone makes, against a bare Fastify route in the same run (issue 11): `GET /api/cycles`
// (goal ≥ 0.25× the bare route's rate) and the catalogue page `GET /` (goal ≥ 0.05×, p99 < 50 ms),
// on the demo programme, each with autocannon for the same time and connections. Then the catalogue
// again while a crowd of sign-ups runs on one of its cycles: how many times the cache recomputed it
// against how many sign-ups committed (the point of coalescing).
//
// `npm run bench reads` (needs `npm run build` for the pages), or alone: `node tests/bench/reads.bench.ts`.
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import Fastify, { type FastifyInstance } from 'fastify';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from '../../db/migrate.ts';
import type { Database } from '../../db/schema.ts';
import { seedDemoIfEmpty } from '../../db/seeds/demo.ts';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { migrateQueue } from '../../server/jobs/jobs.migrate.ts';
import { cpuPerRequest, cpuSample, durationSeconds, machineLine, mib, startBenchDatabase, table, warmupSeconds, type BenchDatabase } from './bench.support.ts';

export const name = 'reads';
export const description = 'GET /api/cycles and the catalogue page GET / against a bare Fastify route; the catalogue during a crowd of sign-ups';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const GOAL_API = 0.25;
const GOAL_PAGE = 0.05;
const GOAL_PAGE_P99_MS = 50;

interface Load {
  rate: number;
  p50: number;
  p99: number;
  requests: number;
  codes: string;
  errors: number;
}

async function load(url: string, seconds: number, extra: Partial<Parameters<typeof autocannon>[0]> = {}): Promise<Load> {
  // autocannon in its own worker thread: the load generator does not share the app's event loop.
  const r = await autocannon({ url, connections: CONNECTIONS, duration: seconds, workers: 1, timeout: 30, ...extra });
  const codes = Object.entries(r.statusCodeStats)
    .map(([code, { count }]) => `${code}×${count}`)
    .join(' ');
  return { rate: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, requests: r.requests.total, codes, errors: r.errors + r.timeouts };
}

export async function run(): Promise<void> {
  let database: BenchDatabase | null = null;
  let app: FastifyInstance | null = null;
  let bare: FastifyInstance | null = null;
  let db: Kysely<Database> | null = null;
  try {
    database = await startBenchDatabase('officina_bench_reads');
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 2 }) }) });
    await migrateToLatest(db);
    await migrateQueue({ connectionString: database.url });
    const seeded = await seedDemoIfEmpty(db, new Date());

    const config = loadConfig({
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      DEMO_DATA: '0',
      DATA_DIR: database.dir,
      SECRET_KEY: randomBytes(32).toString('base64url'),
      PUBLIC_URL: 'http://127.0.0.1',
      // The crowd below comes from one address (autocannon): lift the per-address sign-up limit.
      SIGNUP_LIMIT_PER_ADDRESS: '1000000',
    });
    app = await buildApp({ config, databaseUrl: database.url, logger: false, web: true });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });

    // The same machine, the same HTTP stack, no work: the yardstick of the goals.
    bare = Fastify({ logger: false });
    bare.get('/bare', async () => ({ ok: true }));
    const bareBase = await bare.listen({ host: '127.0.0.1', port: 0 });

    const catalogue = JSON.parse((await app.inject({ url: '/api/cycles' })).body) as { items: { slug: string; status: string }[] };
    const page = await app.inject({ url: '/' });
    if (page.statusCode !== 200) throw new Error(`GET / answered ${page.statusCode}: is the web app built (npm run build)?`);
    const open = catalogue.items.find((c) => c.status === 'open' || c.status === 'full');

    const seconds = durationSeconds(10);
    const warmup = warmupSeconds(2);
    console.log(`machine:  ${machineLine()}`);
    console.log(`database: ${await database.describe()}`);
    console.log(
      `data:     demo programme, ${seeded} cycles (${catalogue.items.length} upcoming in GET /api/cycles, ${(Buffer.byteLength((await app.inject({ url: '/api/cycles' })).body) / 1024).toFixed(1)} KiB; page ${(page.body.length / 1024).toFixed(1)} KiB)`,
    );
    console.log(
      `load:     autocannon, ${CONNECTIONS} connections, ${seconds} s each after ${warmup} s of warm-up, in a worker thread; NODE_ENV=production, logger off`,
    );

    const measure = async (url: string, extra: Partial<Parameters<typeof autocannon>[0]> = {}) => {
      if (warmup > 0) await load(url, warmup, extra);
      const before = cpuSample(database!.pid);
      const computed = app!.readCache.computations;
      const r = await load(url, seconds, extra);
      return { ...r, cpu: cpuPerRequest(before, cpuSample(database!.pid), r.requests), computations: app!.readCache.computations - computed };
    };

    const bareRun = await measure(`${bareBase}/bare`);
    const apiRun = await measure(`${base}/api/cycles`);
    const pageRun = await measure(`${base}/`, { headers: { accept: 'text/html' } });
    const apiRatio = apiRun.rate / bareRun.rate;
    const pageRatio = pageRun.rate / bareRun.rate;

    const row = (label: string, r: typeof bareRun, ratio: string) => [
      label,
      r.rate.toFixed(0),
      `${r.p50} ms`,
      `${r.p99} ms`,
      ratio,
      String(r.computations),
      r.cpu,
      r.codes + (r.errors ? ` errors×${r.errors}` : ''),
    ];
    console.log(
      '\n' +
        table(
          ['route', 'req/s', 'p50', 'p99', '÷ bare', 'recomputed', 'cpu ms/req main/node/pg', 'statuses'],
          [
            row('bare Fastify route', bareRun, '1'),
            row('GET /api/cycles', apiRun, `${apiRatio.toFixed(3)}×`),
            row('GET / (catalogue page)', pageRun, `${pageRatio.toFixed(3)}×`),
          ],
        ),
    );
    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT MET');
    console.log(`\ngoal GET /api/cycles ≥ ${GOAL_API}× bare: ${verdict(apiRatio >= GOAL_API)} (${apiRatio.toFixed(3)}×)`);
    console.log(
      `goal GET / ≥ ${GOAL_PAGE}× bare and p99 < ${GOAL_PAGE_P99_MS} ms: ${verdict(pageRatio >= GOAL_PAGE && pageRun.p99 < GOAL_PAGE_P99_MS)} (${pageRatio.toFixed(3)}×, p99 ${pageRun.p99} ms)`,
    );

    if (open) {
      // Sign-ups (each one a write that drops the cache) and catalogue reads at the same time.
      const countBefore = await db
        .selectFrom('registrations')
        .select((e) => e.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      const computed = app.readCache.computations;
      const person = { firstName: 'Giulia', lastName: 'Rossi', organisation: 'Comune di Bergamo', consent: true, email: 'bench.[<id>]@comune.example.it' };
      const [signups, reads] = await Promise.all([
        autocannon({
          url: `${base}/api/cycles/${open.slug}/registrations`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(person),
          idReplacement: true,
          connections: 16,
          duration: seconds,
          workers: 1,
          timeout: 30,
        }),
        load(`${base}/api/cycles`, seconds),
      ]);
      const countAfter = await db
        .selectFrom('registrations')
        .select((e) => e.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      const written = Number(countAfter.n) - Number(countBefore.n);
      const recomputed = app.readCache.computations - computed;
      const codes = Object.entries(signups.statusCodeStats)
        .map(([code, { count }]) => `${code}×${count}`)
        .join(' ');
      console.log(`\nduring a crowd of sign-ups (16 connections on "${open.slug}", ${seconds} s):`);
      console.log(
        table(
          ['measure', 'value'],
          [
            ['sign-ups committed', `${written} (${(written / seconds).toFixed(0)}/s; ${codes})`],
            ['GET /api/cycles', `${reads.rate.toFixed(0)} req/s, p50 ${reads.p50} ms, p99 ${reads.p99} ms (${reads.codes})`],
            ['cache computations (every key)', `${recomputed} (${written > 0 ? (recomputed / written).toFixed(2) : '-'} per sign-up)`],
          ],
        ),
      );
    }
    console.log(`\nRSS at the end: ${mib(process.memoryUsage().rss)} (app and load generator in one process)`);
  } finally {
    await bare?.close();
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
