// Starts and stops the mail worker: graphile-worker with the one `mail` task, its own small pg pool (so a
// burst of mail never starves HTTP requests of connections), and the SMTP or outbox transport. Used in
// the server process (server.ts), alone (server/worker.ts) and by the tests and the benchmark.
import path from 'node:path';
import { run, type Runner, type TaskList } from 'graphile-worker';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { surviveConnectionLoss } from '../../lib/pool-errors.ts';
import type { Database } from '../../../db/schema.ts';
import type { Config } from '../../config.ts';
import { tokenKit } from '../../lib/tokens.ts';
import { mailboxCap } from './mail.cap.ts';
import { mailComposer } from './mail.compose.ts';
import { MAIL_TASK } from './mail.jobs.ts';
import { REMINDERS_CRONTAB, REMINDERS_TASK, remindersTask } from './mail.reminders.ts';
import { mailTask } from './mail.task.ts';
import { createMailTransport, type MailTransport } from './mail.transport.ts';

import { workerLogger, type LogLine } from './mail.migrate.ts';

export type { LogLine };

export interface MailWorkerOptions {
  config: Pick<
    Config,
    'publicUrl' | 'timezone' | 'mailFrom' | 'smtpUrl' | 'dataDir' | 'mailConcurrency' | 'mailSmtpConnections' | 'reminderOffsetsMs'
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
  /**
   * Awaited before each job is taken: the sign-up crowd of the same process goes first
   * (registrations.activity.ts). Its signal is aborted when the worker stops: it must resolve then.
   */
  yieldTo?: (signal: AbortSignal) => Promise<void>;
}

export interface MailWorker {
  runner: Runner;
  transport: MailTransport;
  /** Graceful: running jobs finish (and are recorded), queued ones stay for the next worker. */
  stop(): Promise<void>;
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
  const composer = mailComposer({
    db,
    publicUrl: config.publicUrl,
    timezone: config.timezone,
    mailFrom: config.mailFrom,
    tokens: tokenKit(Buffer.from(opts.secretKey, 'utf8')),
  });
  const yieldTo = opts.yieldTo;
  const stopYielding = new AbortController();
  let runner: Runner;
  try {
    runner = await run({
      pgPool: pool,
      concurrency,
      pollInterval: opts.pollInterval ?? 1_000,
      noHandleSignals: true,
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
        }),
      },
    });
  } catch (err) {
    await transport.close();
    await pool.end();
    throw err;
  }
  let stopping: Promise<void> | null = null;
  return {
    runner,
    transport,
    stop: () =>
      (stopping ??= (async () => {
        const runnerStopped = runner.stop();
        stopYielding.abort();
        await runnerStopped;
        if (!opts.transport) await transport.close();
        await pool.end();
      })()),
  };
}
