// Starts and stops the mail worker: graphile-worker with the one `mail` task, its own small pg pool (so a
// burst of mail never starves HTTP requests of connections), and the SMTP or outbox transport. Used in
// the server process (server.ts), alone (server/worker.ts) and by the tests and the benchmark.
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { run, type Runner, type TaskList, type WorkerEvents } from 'graphile-worker';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { surviveConnectionLoss } from '../../lib/pool-errors.ts';
import type { Database } from '../../../db/schema.ts';
import type { Config } from '../../config.ts';
import { tokenKit } from '../../lib/tokens.ts';
import { acceptedJournal } from './mail.accepted.ts';
import { mailboxCap } from './mail.cap.ts';
import { mailComposer } from './mail.compose.ts';
import { MAIL_TASK } from './mail.jobs.ts';
import { REMINDERS_CRONTAB, REMINDERS_TASK, remindersTask } from './mail.reminders.ts';
import { runnerLiveness, type LivenessTiming } from './mail.runners.ts';
import { mailTask } from './mail.task.ts';
import { createMailTransport, type MailTransport } from './mail.transport.ts';

import { workerLogger, type LogLine } from './mail.migrate.ts';

export type { LogLine };

export interface MailWorkerOptions {
  config: Pick<
    Config,
    'publicUrl' | 'timezone' | 'mailFrom' | 'programmeContact' | 'smtpUrl' | 'dataDir' | 'mailConcurrency' | 'mailSmtpConnections' | 'reminderOffsetsMs'
  >;
  databaseUrl: string;
  secretKey: string;
  /** Jobs run at once; default config.mailConcurrency. */
  concurrency?: number;
  /** How often to look for scheduled jobs and retries (new jobs arrive at once through LISTEN/NOTIFY). */
  pollInterval?: number;
  transport?: MailTransport;
  log?: LogLine;
  clock?: () => Date;
  /** More tasks for the same runner (certificates, retention: privacy.jobs.ts), built on its pool. */
  extraTasks?: (db: Kysely<Database>) => TaskList;
  /** graphile-worker crontab lines for those tasks (the reminder scheduler's line is always added). */
  crontab?: string;
  /** Heartbeat, staleness and sweep intervals of the runner liveness (mail.runners.ts); tests shorten them. */
  liveness?: Partial<LivenessTiming>;
  /**
   * Awaited before each job is taken: the sign-up crowd of the same process goes first
   * (registrations.activity.ts). Its signal is aborted when the worker stops: it must resolve then.
   */
  yieldTo?: (signal: AbortSignal) => Promise<void>;
}

/** What stop() may take by default: in-flight SMTP sends, releasing what they leave, closing the pools. */
export const MAIL_STOP_BUDGET_MS = 10_000;

export interface MailWorker {
  runner: Runner;
  transport: MailTransport;
  /** The runner's id in queue_runners. */
  runnerId: string;
  /**
   * Graceful within `budgetMs` (default MAIL_STOP_BUDGET_MS): running jobs finish and are recorded;
   * deliveries still running near the end of the budget are aborted and their jobs released, so they
   * run at the next start (flagged possible_duplicate: the server may have had them); queued jobs stay
   * for the next worker. Resolves within the budget even if the database or the SMTP server hangs.
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
        (err: unknown) => (log?.('warning', `mail worker: ${what}: ${err instanceof Error ? err.message : String(err)}`), true),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export async function startMailWorker(opts: MailWorkerOptions): Promise<MailWorker> {
  const { config } = opts;
  const concurrency = opts.concurrency ?? config.mailConcurrency;
  // graphile-worker holds one connection for LISTEN and one per running job at most; our queries in
  // the task share the same pool.
  const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: concurrency + 2, connectionTimeoutMillis: 10_000 });
  surviveConnectionLoss(pool, (message, err) => opts.log?.('warning', `mail worker: ${message}: ${err.message}`));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const transport =
    opts.transport ??
    createMailTransport({
      smtpUrl: config.smtpUrl,
      outboxDir: path.join(config.dataDir, 'mail'),
      maxConnections: config.mailSmtpConnections,
    });
  // Its own connections: the heartbeat must not wait behind a burst of mail for a pooled connection.
  const livenessPool = new pg.Pool({ connectionString: opts.databaseUrl, max: 2, connectionTimeoutMillis: 10_000 });
  surviveConnectionLoss(livenessPool, (message, err) => opts.log?.('warning', `mail worker liveness: ${message}: ${err.message}`));
  const liveness = runnerLiveness({
    pool: livenessPool,
    log: (level, message) => opts.log?.(level, message),
    timing: opts.liveness,
    // A process of this machine that is gone may have had messages accepted and not recorded: record
    // them before its jobs are released, so they are not sent again.
    beforeSweep: () => accepted.recover(db),
  });
  const accepted = acceptedJournal({
    dir: path.join(config.dataDir, 'mail-accepted'),
    runnerId: liveness.runnerId,
    log: (level, message) => opts.log?.(level, message),
  });
  // Aborted by stop() when the budget runs out: in-flight deliveries are given up.
  const aborter = new AbortController();
  const composer = mailComposer({
    db,
    publicUrl: config.publicUrl,
    timezone: config.timezone,
    mailFrom: config.mailFrom,
    programmeContact: config.programmeContact,
    tokens: tokenKit(Buffer.from(opts.secretKey, 'utf8')),
  });
  const yieldTo = opts.yieldTo;
  const stopYielding = new AbortController();
  // One emitter for every runner this worker starts (see replaceRunner), so listeners stay attached.
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
      crontab: [REMINDERS_CRONTAB, opts.crontab ?? ''].join('\n'),
      logger: workerLogger(opts.log),
      taskList: {
        ...opts.extraTasks?.(db),
        [REMINDERS_TASK]: remindersTask(db, config.reminderOffsetsMs, opts.clock),
        [MAIL_TASK]: mailTask({
          db,
          composer,
          transport,
          cap: mailboxCap({ db, secret: Buffer.from(opts.secretKey, 'utf8'), clock: opts.clock }),
          publicUrl: config.publicUrl,
          mailFrom: config.mailFrom,
          clock: opts.clock,
          signal: aborter.signal,
          accepted,
        }),
      },
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
    await transport.close();
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
        opts.log?.('warning', `mail worker: cannot start a new runner yet: ${(err as Error).message}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, delay);
          closing.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
        });
      }
    }
    await stopRunner(old).catch((err: Error) => opts.log?.('warning', `mail worker: stopping the old runner: ${err.message}`));
  }
  function ended(r: Runner) {
    // Stopped on purpose (stop(), a replacement), or already replaced: nothing to do.
    if (stops.has(r) || r !== runner || closing.signal.aborted) return;
    stops.set(r, Promise.resolve());
    opts.log?.('warning', 'mail worker: the runner stopped after a database error; starting a new one');
    replacing ??= replaceRunner().finally(() => (replacing = null));
  }
  events.on('worker:fatalError', ({ worker }) => {
    opts.log?.('warning', `mail worker: worker ${worker.workerId} ended after a database error; its job will be released`);
    liveness.forget(worker.workerId);
    replacing ??= replaceRunner().finally(() => (replacing = null));
  });
  return {
    get runner() {
      return runner;
    },
    transport,
    runnerId: liveness.runnerId,
    stop: (stopOpts = {}) =>
      (stopping ??= (async () => {
        closing.abort();
        const budgetMs = stopOpts.budgetMs ?? MAIL_STOP_BUDGET_MS;
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
        if (!stopped) opts.log?.('warning', 'mail worker: jobs still running at the end of the stop budget; releasing them');
        // Whatever our workers still hold is released for the next start; our row goes.
        await within(liveness.stop(), left(), 'releasing the jobs of this runner', opts.log);
        if (!opts.transport) await transport.close();
        // Kept if a message accepted by SMTP is still unrecorded: the next start on this machine records it.
        accepted.close();
        await within(pool.end(), left(), 'closing the pool', opts.log);
        await within(livenessPool.end(), left(), 'closing the liveness pool', opts.log);
      })()),
  };
}
