// THE background job runner: graphile-worker with every task of jobs.tasks.ts on the crontab of
// jobs.schedules.ts, its own small pg pool (so a burst of jobs never starves HTTP requests of
// connections), the runners' liveness (jobs.liveness.ts) and a bounded stop. Started the same way by the
// server process (server.ts), alone (server/worker.ts) and by the tests (tests/helpers/jobs.ts).
import { EventEmitter } from 'node:events';
import { run, type Runner, type TaskList, type WorkerEvents } from 'graphile-worker';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../../db/schema.ts';
import type { Config } from '../config.ts';
import { surviveConnectionLoss } from '../lib/pool-errors.ts';
import type { MailTransport } from '../modules/mail/mail.transport.ts';
import { runnerLiveness, type LivenessTiming } from './jobs.liveness.ts';
import { workerLogger, type LogLine } from './jobs.migrate.ts';
import { crontabFor } from './jobs.schedules.ts';
import { jobTasks, TASK_NAMES, type TaskName } from './jobs.tasks.ts';

export type { LogLine };

export interface JobRunnerOptions {
  config: Config;
  databaseUrl: string;
  secretKey: string;
  /** Jobs run at once; default config.mailConcurrency (mail is most of them). */
  concurrency?: number;
  /** How often to look for scheduled jobs and retries (new jobs arrive at once through LISTEN/NOTIFY). */
  pollInterval?: number;
  /**
   * Only these tasks, and only their crontab lines (a test that wants mail alone, without the periodic
   * sweeps); default every task. Jobs of the other tasks wait in the queue for a runner that has them.
   */
  tasks?: readonly TaskName[];
  /** A mail transport of the caller's (tests, the benchmark); default SMTP or the dev outbox from config. */
  transport?: MailTransport;
  log?: LogLine;
  clock?: () => Date;
  /** Heartbeat, staleness and sweep intervals of the runner liveness (jobs.liveness.ts); tests shorten them. */
  liveness?: Partial<LivenessTiming>;
  /**
   * Awaited before each job is taken: the sign-up crowd of the same process goes first
   * (registrations.activity.ts). Its signal is aborted when the runner stops: it must resolve then.
   */
  yieldTo?: (signal: AbortSignal) => Promise<void>;
}

/** What stop() may take by default: in-flight SMTP sends, releasing what they leave, closing the pools. */
export const RUNNER_STOP_BUDGET_MS = 10_000;

export interface JobRunner {
  runner: Runner;
  /** The mail task's transport (SMTP or the dev outbox). */
  transport: MailTransport;
  /** The runner's id in queue_runners. */
  runnerId: string;
  /**
   * Graceful within `budgetMs` (default RUNNER_STOP_BUDGET_MS): running jobs finish and are recorded;
   * deliveries still running near the end of the budget are aborted and their jobs released, so they
   * run at the next start (flagged possible_duplicate: the server may have had them); queued jobs stay
   * for the next runner. Resolves within the budget even if the database or the SMTP server hangs.
   */
  stop(opts?: { budgetMs?: number }): Promise<void>;
}

/** Whether `p` settled within `ms` (its error is logged, not thrown: stopping goes on regardless). */
async function within(p: Promise<unknown>, ms: number, what: string, log?: LogLine): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, ms))));
  try {
    return await Promise.race([
      p.then(
        () => true,
        (err: unknown) => (log?.('warning', `job runner: ${what}: ${err instanceof Error ? err.message : String(err)}`), true),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export async function startJobRunner(opts: JobRunnerOptions): Promise<JobRunner> {
  const { config } = opts;
  const names = opts.tasks ?? TASK_NAMES;
  // Before anything opens: a crontab line naming a task nobody has stops the start.
  const crontab = crontabFor(names);
  const concurrency = opts.concurrency ?? config.mailConcurrency;
  // graphile-worker holds one connection for LISTEN and one per running job at most; our queries in
  // the tasks share the same pool.
  const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: concurrency + 2, connectionTimeoutMillis: 10_000 });
  surviveConnectionLoss(pool, (message, err) => opts.log?.('warning', `job runner: ${message}: ${err.message}`));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  // Its own connections: the heartbeat must not wait behind a burst of jobs for a pooled connection.
  const livenessPool = new pg.Pool({ connectionString: opts.databaseUrl, max: 2, connectionTimeoutMillis: 10_000 });
  surviveConnectionLoss(livenessPool, (message, err) => opts.log?.('warning', `job runner liveness: ${message}: ${err.message}`));
  const liveness = runnerLiveness({
    pool: livenessPool,
    log: (level, message) => opts.log?.(level, message),
    timing: opts.liveness,
    // A process of this machine that is gone may have had messages accepted and not recorded: record
    // them before its jobs are released, so they are not sent again.
    beforeSweep: () => mail.recover(),
  });
  // Aborted by stop() when the budget runs out: in-flight deliveries are given up.
  const aborter = new AbortController();
  const { tasks, mail } = jobTasks({
    config,
    secretKey: opts.secretKey,
    db,
    runnerId: liveness.runnerId,
    signal: aborter.signal,
    transport: opts.transport,
    clock: opts.clock,
    log: (level, message) => opts.log?.(level, message),
  });
  const taskList: TaskList = Object.fromEntries(names.map((name) => [name, tasks[name]]));
  const yieldTo = opts.yieldTo;
  const stopYielding = new AbortController();
  // One emitter for every runner this one starts (see replaceRunner), so listeners stay attached.
  const events = new EventEmitter() as WorkerEvents;
  const startRunner = () =>
    run({
      events,
      pgPool: pool,
      concurrency,
      pollInterval: opts.pollInterval ?? 1_000,
      noHandleSignals: true,
      // Registers each worker's id in queue_runners before it takes its first job.
      preset: { plugins: [liveness.plugin] },
      // graphile-worker awaits this before each fetch of a job (it is its hook for "which flags to skip").
      forbiddenFlags: yieldTo ? () => yieldTo(stopYielding.signal).then(() => null) : undefined,
      crontab,
      logger: workerLogger(opts.log),
      taskList,
    });
  // A runner can also end by itself: graphile-worker's cron stops the whole runner when PostgreSQL is
  // unreachable as a minute turns. Such a runner is replaced like one that lost a worker (below).
  const startWatchedRunner = async () => {
    const r = await startRunner();
    void r.promise.then(
      () => ended(r),
      () => ended(r),
    );
    return r;
  };
  let runner: Runner;
  try {
    // Our row first, and the jobs of runners that are gone released, before our workers look for jobs.
    await liveness.start();
    runner = await startWatchedRunner();
  } catch (err) {
    await liveness.stop().catch(() => {});
    await mail.close();
    await pool.end();
    await livenessPool.end();
    throw err;
  }
  // Each runner is stopped once, whoever asks (a replacement, stop()).
  const stops = new WeakMap<Runner, Promise<void>>();
  const stopRunner = (r: Runner) => {
    let p = stops.get(r);
    if (!p) stops.set(r, (p = r.stop()));
    return p;
  };
  let stopping: Promise<void> | null = null;
  let replacing: Promise<void> | null = null;
  // Aborted as stop() begins: a replacement waiting for the database gives up at once.
  const closing = new AbortController();
  // graphile-worker ends a worker whose job it could not complete or fail (the database was gone at that
  // moment), leaves the job locked by it, and never starts another worker in its place. Drop the id from
  // our row (a sweep releases the job; the send log makes its second run harmless) and replace the runner
  // with a full one, once the database answers; the old one finishes its running jobs and stops.
  async function replaceRunner() {
    const old = runner;
    for (let delay = 1_000; !closing.signal.aborted; delay = Math.min(delay * 2, 30_000)) {
      try {
        const next = await startWatchedRunner();
        if (closing.signal.aborted) {
          await stopRunner(next);
          return;
        }
        runner = next;
        break;
      } catch (err) {
        opts.log?.('warning', `job runner: cannot start a new runner yet: ${(err as Error).message}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, delay);
          closing.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
        });
      }
    }
    await stopRunner(old).catch((err: Error) => opts.log?.('warning', `job runner: stopping the old runner: ${err.message}`));
  }
  function ended(r: Runner) {
    // Stopped on purpose (stop(), a replacement), or already replaced: nothing to do.
    if (stops.has(r) || r !== runner || closing.signal.aborted) return;
    stops.set(r, Promise.resolve());
    opts.log?.('warning', 'job runner: the runner stopped after a database error; starting a new one');
    replacing ??= replaceRunner().finally(() => (replacing = null));
  }
  events.on('worker:fatalError', ({ worker }) => {
    opts.log?.('warning', `job runner: worker ${worker.workerId} ended after a database error; its job will be released`);
    liveness.forget(worker.workerId);
    replacing ??= replaceRunner().finally(() => (replacing = null));
  });
  return {
    get runner() {
      return runner;
    },
    transport: mail.transport,
    runnerId: liveness.runnerId,
    stop: (stopOpts = {}) =>
      (stopping ??= (async () => {
        closing.abort();
        const budgetMs = stopOpts.budgetMs ?? RUNNER_STOP_BUDGET_MS;
        const deadline = Date.now() + budgetMs;
        const left = () => deadline - Date.now();
        // The last part of the budget is kept for releasing jobs and closing; in-flight sends get the rest.
        const reserve = Math.min(3_000, budgetMs / 3);
        const abortTimer = setTimeout(() => aborter.abort(), Math.max(0, budgetMs - reserve));
        // The current runner, and the old one if a replacement was under way (it stops that one itself).
        const runnersStopped = Promise.all([stopRunner(runner), replacing]);
        // A worker waiting for the sign-up crowd to quiet down takes no job now: it sees the stop.
        stopYielding.abort();
        const stopped = await within(runnersStopped, left() - reserve / 2, 'stopping the runner', opts.log);
        clearTimeout(abortTimer);
        aborter.abort();
        if (!stopped) opts.log?.('warning', 'job runner: jobs still running at the end of the stop budget; releasing them');
        // Whatever our workers still hold is released for the next start; our row goes.
        await within(liveness.stop(), left(), 'releasing the jobs of this runner', opts.log);
        await mail.close();
        await within(pool.end(), left(), 'closing the pool', opts.log);
        await within(livenessPool.end(), left(), 'closing the liveness pool', opts.log);
      })()),
  };
}
