// The statements of the job runners' liveness (table queue_runners, migration 2026-12-03T1700_queue_runners,
// and graphile-worker's own lock columns). Raw pg, not Kysely: the liveness runs on its own small pool so
// a heartbeat never waits behind a burst of jobs, and graphile_worker's tables are not in db/schema.ts.
// Executor first; the transaction boundaries stay with the caller (jobs.liveness.ts).
import os from 'node:os';
import type pg from 'pg';

export type RunnerExecutor = pg.Pool | pg.PoolClient;

/** Runs `work` in one transaction on a client of `pool` (the liveness pool is plain pg, not Kysely). */
export async function inRunnerTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

export interface RunnerRow {
  runner_id: string;
  host_key: string | null;
  pid: number;
  pid_started: string | null;
  stale: boolean;
}

/** Stale: no beat for staleMs while the database itself was up that long (during an outage nobody can beat). */
function staleSql(staleMs: number): string {
  const stale = `make_interval(secs => ${staleMs / 1000})`;
  return `beat_at < now() - ${stale} AND pg_postmaster_start_time() < now() - ${stale}`;
}

/** Inserts a runner's row, or replaces its worker ids (and beats). */
export async function writeRunner(
  db: RunnerExecutor,
  row: { runnerId: string; workerIds: readonly string[]; hostKey: string | null; pidStarted: string | null },
): Promise<void> {
  await db.query(
    `INSERT INTO queue_runners (runner_id, worker_ids, host, host_key, pid, pid_started)
     VALUES ($1, $2::text[], $3, $4, $5, $6)
     ON CONFLICT (runner_id) DO UPDATE SET worker_ids = EXCLUDED.worker_ids, beat_at = now()`,
    [row.runnerId, [...row.workerIds], os.hostname(), row.hostKey, process.pid, row.pidStarted],
  );
}

/** One heartbeat; false: the row is gone (another runner took this one for dead). */
export async function beatRunner(db: RunnerExecutor, runnerId: string): Promise<boolean> {
  const r = await db.query('UPDATE queue_runners SET beat_at = now() WHERE runner_id = $1', [runnerId]);
  return r.rowCount !== 0;
}

/** Every other runner's row, with whether it is stale. */
export async function otherRunners(db: RunnerExecutor, runnerId: string, staleMs: number): Promise<RunnerRow[]> {
  const r = await db.query<RunnerRow>(
    `SELECT runner_id, host_key, pid, pid_started, ${staleSql(staleMs)} AS stale
       FROM queue_runners WHERE runner_id <> $1`,
    [runnerId],
  );
  return r.rows;
}

/** Deletes the rows listed as dead and those still stale at this moment (a beat in between saves a row). */
export async function deleteGoneRunners(
  db: RunnerExecutor,
  runnerId: string,
  deadHere: readonly string[],
  staleMs: number,
): Promise<{ runner_id: string; host: string; pid: number }[]> {
  const r = await db.query<{ runner_id: string; host: string; pid: number }>(
    `DELETE FROM queue_runners
      WHERE runner_id <> $1
        AND (runner_id = ANY($2::text[]) OR (${staleSql(staleMs)}))
      RETURNING runner_id, host, pid`,
    [runnerId, [...deadHere]],
  );
  return r.rows;
}

/** Worker ids holding a job or a job queue that no runner's row lists. */
export async function orphanLockers(db: RunnerExecutor): Promise<string[]> {
  const r = await db.query<{ id: string }>(
    `SELECT DISTINCT locked_by AS id FROM (
       SELECT locked_by FROM graphile_worker._private_jobs WHERE locked_by IS NOT NULL
       UNION ALL
       SELECT locked_by FROM graphile_worker._private_job_queues WHERE locked_by IS NOT NULL) l
      WHERE NOT EXISTS (SELECT 1 FROM queue_runners r WHERE l.locked_by = ANY(r.worker_ids))`,
  );
  return r.rows.map((row) => row.id);
}

/** How many jobs these workers hold. */
export async function jobsLockedBy(db: RunnerExecutor, workerIds: readonly string[]): Promise<number> {
  const r = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE locked_by = ANY($1::text[])', [[...workerIds]]);
  return r.rows[0]!.n;
}

/** Releases whatever these workers hold (graphile-worker's own function). */
export async function forceUnlockWorkers(db: RunnerExecutor, workerIds: readonly string[]): Promise<void> {
  await db.query('SELECT graphile_worker.force_unlock_workers($1::text[])', [[...workerIds]]);
}

export async function deleteRunner(db: RunnerExecutor, runnerId: string): Promise<void> {
  await db.query('DELETE FROM queue_runners WHERE runner_id = $1', [runnerId]);
}
