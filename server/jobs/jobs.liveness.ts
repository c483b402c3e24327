// Liveness of the job runners sharing one database, so the jobs of a runner that died without a goodbye
// (SIGKILL, crash, OOM, power) are released in seconds: graphile-worker 0.16 itself keeps them locked
// for 4 hours. Table queue_runners (migration 2026-12-03T1700_queue_runners).
//
// - Each runner writes its row (worker ids, host, pid) BEFORE any of its workers takes a job: a
//   graphile-worker plugin hook (startWorker) adds each worker's id and is awaited before the worker's
//   first getJob. So a job's locked_by that no row lists belongs to a runner that is gone.
// - Each runner beats every BEAT_MS (beat_at = the database's now()).
// - Each runner sweeps at start and every SWEEP_MS: it deletes the rows of dead runners and calls
//   graphile_worker.force_unlock_workers for every locked_by no remaining row lists. Dead means: no beat
//   for STALE_MS while the database itself was up that long (during an outage nobody can beat), or, on
//   the same machine and process namespace, a pid that is gone or is a newer process (at once).
// - Never a live runner's job: worker ids are random and never reused; the jobs and the rows are read
//   in one statement (a lock is committed after its registration, so the snapshot that sees the lock
//   sees the row); a row is deleted only if it is still stale at that moment (a beat in between saves it).
//   A runner that stalls longer than STALE_MS (a stopped process) is taken for dead: its jobs may run
//   elsewhere, and the send log (claim, possible_duplicate) keeps that to at most one flagged copy.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { hostKey, processStarted } from '../lib/process-identity.ts';
import {
  beatRunner,
  deleteGoneRunners,
  deleteRunner,
  forceUnlockWorkers,
  inRunnerTransaction,
  jobsLockedBy,
  orphanLockers,
  otherRunners,
  writeRunner,
  type RunnerRow,
} from './jobs.repository.ts';

export interface LivenessTiming {
  beatMs: number;
  staleMs: number;
  sweepMs: number;
}

export const LIVENESS: LivenessTiming = { beatMs: 5_000, staleMs: 30_000, sweepMs: 10_000 };

type Log = (level: 'warning' | 'info', message: string) => void;

export interface RunnerLiveness {
  runnerId: string;
  /** The graphile-worker plugin that registers each worker before it takes a job. */
  plugin: GraphileConfig.Plugin;
  /** Writes our row and sweeps once; then beats and sweeps on timers. */
  start(): Promise<void>;
  /** One sweep; returns how many jobs it released. */
  sweep(): Promise<number>;
  /** A worker of ours that died (graphile-worker's "fatal error"): its job is released by the next sweep. */
  forget(workerId: string): void;
  /** Stops the timers, releases whatever our workers still hold and deletes our row (bounded by the caller). */
  stop(): Promise<void>;
}

export function runnerLiveness(opts: {
  pool: pg.Pool;
  log: Log;
  timing?: Partial<LivenessTiming>;
  /** Before each sweep releases anything (the proofs of acceptance of processes that are gone). */
  beforeSweep?: () => Promise<unknown>;
}): RunnerLiveness {
  const timing = { ...LIVENESS, ...opts.timing };
  const { pool, log } = opts;
  const runnerId = `runner-${randomBytes(9).toString('hex')}`;
  const key = hostKey();
  const pidStarted = key ? processStarted(process.pid) : null;
  const workerIds = new Set<string>();
  let stopped = false;
  let beatTimer: NodeJS.Timeout | null = null;
  let sweepTimer: NodeJS.Timeout | null = null;

  // Row writes one after the other, in call order: the workers' hooks call at once, and a write of an
  // older set committing after a newer one would drop a worker that is already taking jobs.
  let writes: Promise<unknown> = Promise.resolve();
  function serially<T>(fn: () => Promise<T>): Promise<T> {
    const p = writes.then(fn, fn);
    writes = p.catch(() => {});
    return p;
  }

  /** Our row with exactly our live worker ids (insert, or replace after a forget or a resurrection). */
  function writeRow(): Promise<void> {
    return serially(() => writeRowNow());
  }
  async function writeRowNow(): Promise<void> {
    await writeRunner(pool, { runnerId, workerIds: [...workerIds], hostKey: key, pidStarted });
  }

  /** Until the database answers, or the runner stops (then the worker must not take a job: throw). */
  async function untilWritten(): Promise<void> {
    for (let delay = 250; ; delay = Math.min(delay * 2, 2_000)) {
      try {
        return await writeRow();
      } catch (err) {
        if (stopped) throw err;
        log('warning', `runner liveness: cannot write ${runnerId}, retrying: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  async function beat(): Promise<void> {
    const present = await beatRunner(pool, runnerId);
    if (!present && !stopped) {
      // Another runner took us for dead (we stalled longer than staleMs): our jobs may be running elsewhere.
      log('warning', `runner liveness: ${runnerId} was taken for dead by another runner; registering again`);
      await writeRow();
    }
  }

  function alive(row: RunnerRow): boolean {
    if (row.stale) return false;
    if (!key || row.host_key !== key) return true;
    const started = processStarted(row.pid);
    return started !== null && (row.pid_started === null || started === row.pid_started);
  }

  async function sweep(): Promise<number> {
    await opts.beforeSweep?.();
    const { gone, released, lockers } = await inRunnerTransaction(pool, async (client) => {
      const rows = await otherRunners(client, runnerId, timing.staleMs);
      const deadHere = rows.filter((r) => !r.stale && !alive(r)).map((r) => r.runner_id);
      // Still stale at the moment of deletion (a beat in between saves the row), or gone from this machine.
      const gone = await deleteGoneRunners(client, runnerId, deadHere, timing.staleMs);
      // One snapshot for the locks and the rows still there: any lock it shows was taken after its
      // worker's row was committed, so a locked_by no row lists is a worker that is gone.
      const ids = await orphanLockers(client);
      let released = 0;
      if (ids.length) {
        released = await jobsLockedBy(client, ids);
        await forceUnlockWorkers(client, ids);
      }
      return { gone, released, lockers: ids.length };
    });
    for (const g of gone) log('warning', `runner liveness: runner ${g.runner_id} (${g.host}, pid ${g.pid}) is gone`);
    if (released) log('warning', `runner liveness: released ${released} jobs of ${lockers} workers that are gone`);
    return released;
  }

  function schedule() {
    if (stopped) return;
    beatTimer = setTimeout(() => {
      beat()
        .catch((err: Error) => log('warning', `runner liveness: heartbeat failed: ${err.message}`))
        .finally(() => schedule());
    }, timing.beatMs);
    beatTimer.unref();
  }

  function scheduleSweep() {
    if (stopped) return;
    // Jitter: runners started together do not sweep together.
    sweepTimer = setTimeout(
      () => {
        sweep()
          .catch((err: Error) => log('warning', `runner liveness: sweep failed: ${err.message}`))
          .finally(() => scheduleSweep());
      },
      timing.sweepMs * (0.75 + Math.random() / 2),
    );
    sweepTimer.unref();
  }

  return {
    runnerId,
    plugin: {
      name: `officina-runner-liveness-${runnerId}`,
      version: '1.0.0',
      worker: {
        hooks: {
          // Awaited by graphile-worker before the worker's first getJob.
          async startWorker(_ctx, event) {
            workerIds.add(event.worker.workerId);
            await untilWritten();
          },
        },
      },
    },
    async start() {
      await untilWritten();
      await sweep();
      schedule();
      scheduleSweep();
    },
    sweep,
    forget(workerId) {
      workerIds.delete(workerId);
      // Released now if the database answers; else by the next sweep, ours or another runner's.
      writeRow()
        .then(() => sweep())
        .catch((err: Error) => log('warning', `runner liveness: cannot release the job of worker ${workerId} yet: ${err.message}`));
    },
    async stop() {
      stopped = true;
      if (beatTimer) clearTimeout(beatTimer);
      if (sweepTimer) clearTimeout(sweepTimer);
      // Whatever our workers still hold runs at the next start (or now, on another runner).
      await inRunnerTransaction(pool, async (client) => {
        await forceUnlockWorkers(client, [...workerIds]);
        await deleteRunner(client, runnerId);
      });
    },
  };
}
