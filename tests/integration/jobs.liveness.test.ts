// Runner liveness (server/jobs/jobs.liveness.ts) against a real queue: which locked jobs a sweep releases and, above
// all, which it never releases. Jobs are locked the way graphile-worker locks them (locked_by, locked_at)
// by workers of made-up runners; the timings are shortened so staleness comes in seconds.
import { spawnSync } from 'node:child_process';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runnerLiveness, type RunnerLiveness } from '../../server/jobs/jobs.liveness.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { waitUntil } from '../helpers/smtp.ts';

const TIMING = { beatMs: 200, staleMs: 2_000, sweepMs: 60_000 };

describe('runner liveness', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  const runners: RunnerLiveness[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 4 });
  });
  afterAll(async () => {
    for (const r of runners) await r.stop().catch(() => {});
    await pool?.end();
    await database?.drop();
  });

  async function liveness() {
    const r = runnerLiveness({ pool, log: () => {}, timing: TIMING });
    runners.push(r);
    await r.start();
    return r;
  }
  /** A queued job locked by `workerId`, as graphile-worker's getJob leaves it. */
  async function lockedJob(workerId: string): Promise<string> {
    const r = await sql<{ id: string }>`SELECT id FROM graphile_worker.add_job('noop', '{}'::json)`.execute(database.db);
    const id = r.rows[0]!.id;
    await sql`UPDATE graphile_worker._private_jobs SET locked_by = ${workerId}, locked_at = now() WHERE id = ${id}`.execute(database.db);
    return id;
  }
  async function lockOf(jobId: string) {
    const r = await sql<{ locked_by: string | null }>`SELECT locked_by FROM graphile_worker._private_jobs WHERE id = ${jobId}`.execute(database.db);
    return r.rows[0]!.locked_by;
  }
  async function runnerRow(row: { id: string; workers: string[]; hostKey: string | null; pid: number; pidStarted?: string | null; age?: string }) {
    await sql`INSERT INTO queue_runners (runner_id, worker_ids, host, host_key, pid, pid_started, beat_at)
              VALUES (${row.id}, ${row.workers}::text[], 'elsewhere', ${row.hostKey}, ${row.pid}, ${row.pidStarted ?? null},
                      now() - ${row.age ?? '0 seconds'}::interval)`.execute(database.db);
  }
  async function ourHostKey() {
    const r = await sql<{ host_key: string | null }>`SELECT host_key FROM queue_runners WHERE runner_id = ${runners[0]!.runnerId}`.execute(database.db);
    return r.rows[0]!.host_key;
  }

  it('releases at start the jobs of a worker no runner lists', async () => {
    const job = await lockedJob('worker-unknown');
    await liveness();
    expect(await lockOf(job)).toBeNull();
  });

  it('lists every worker whose registration returned, however many register at once', async () => {
    const r = await liveness();
    const hook = r.plugin.worker!.hooks!.startWorker as unknown as (ctx: unknown, event: { worker: { workerId: string } }) => Promise<void>;
    const ids = Array.from({ length: 16 }, (_, i) => `worker-many-${i}`);
    // Each hook returns once its worker is written; a write of an older set must never land last.
    await Promise.all(ids.map((workerId) => hook({}, { worker: { workerId } })));
    const row = await sql<{ worker_ids: string[] }>`SELECT worker_ids FROM queue_runners WHERE runner_id = ${r.runnerId}`.execute(database.db);
    expect([...row.rows[0]!.worker_ids].sort()).toEqual([...ids].sort());
  });

  it('never releases the jobs of a runner that beats, on another machine, over many sweeps', async () => {
    const sweeper = runners[0] ?? (await liveness());
    await runnerRow({ id: 'runner-far', workers: ['worker-far'], hostKey: 'another-machine', pid: 1 });
    const job = await lockedJob('worker-far');
    // It keeps beating while the sweeper sweeps for longer than the staleness.
    const beat = setInterval(() => void pool.query(`UPDATE queue_runners SET beat_at = now() WHERE runner_id = 'runner-far'`), 200);
    try {
      const until = Date.now() + TIMING.staleMs * 2;
      while (Date.now() < until) {
        expect(await sweeper.sweep()).toBe(0);
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      clearInterval(beat);
    }
    expect(await lockOf(job)).toBe('worker-far');
    // Once it stops beating, it is dead after staleMs.
    await waitUntil(async () => (await sweeper.sweep(), (await lockOf(job)) === null), 'the silent runner released', 10_000);
    const rows = await sql`SELECT 1 FROM queue_runners WHERE runner_id = 'runner-far'`.execute(database.db);
    expect(rows.rows).toHaveLength(0);
  });

  it('releases at once, on the same machine, a runner whose process is gone; not one whose process lives', async () => {
    const sweeper = runners[0] ?? (await liveness());
    const hostKey = await ourHostKey();
    if (hostKey === null) return; // not Linux: only the heartbeat path applies
    const gone = spawnSync('true').pid!;
    await runnerRow({ id: 'runner-gone', workers: ['worker-gone'], hostKey, pid: gone });
    // The test process itself: alive, whatever its start time says (pid_started unknown).
    await runnerRow({ id: 'runner-here', workers: ['worker-here'], hostKey, pid: process.pid });
    const goneJob = await lockedJob('worker-gone');
    const hereJob = await lockedJob('worker-here');
    await sweeper.sweep();
    expect(await lockOf(goneJob)).toBeNull();
    expect(await lockOf(hereJob)).toBe('worker-here');
  });

  it('a runner taken for dead registers again at its next beat; its own stop releases what it holds', async () => {
    const r = await liveness();
    await sql`DELETE FROM queue_runners WHERE runner_id = ${r.runnerId}`.execute(database.db);
    await waitUntil(
      async () => (await sql`SELECT 1 FROM queue_runners WHERE runner_id = ${r.runnerId}`.execute(database.db)).rows.length === 1,
      'the row back',
      5_000,
    );
    await r.stop();
    runners.splice(runners.indexOf(r), 1);
    expect((await sql`SELECT 1 FROM queue_runners WHERE runner_id = ${r.runnerId}`.execute(database.db)).rows).toHaveLength(0);
  });
});
