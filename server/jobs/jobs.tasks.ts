// THE list of the job runner's tasks: each graphile-worker task name and the function that runs its
// jobs, built from the services of the composition root (server/services.ts) on the runner's own pool,
// so a background job never takes the web requests' connections. The names are the task identifiers
// of the jobs already queued in a deployed database: never rename one.
import type { Task } from 'graphile-worker';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Config } from '../config.ts';
import { CERTIFICATES_TASK, certificatesTask } from '../modules/certificates/certificates.jobs.ts';
import { MAIL_TASK } from '../modules/mail/mail.jobs.ts';
import { REMINDERS_TASK, remindersTask } from '../modules/mail/mail.reminders.ts';
import { mailSender, type MailSender } from '../modules/mail/mail.sender.ts';
import type { MailTransport } from '../modules/mail/mail.transport.ts';
import { RETENTION_TASK, retentionTask } from '../modules/privacy/privacy.jobs.ts';
import { buildServices } from '../services.ts';

/**
 * Every task, and how its jobs arrive: queued by the change that causes them (in its transaction,
 * modules/mail/mail.queue.ts), or by the crontab (jobs.schedules.ts).
 */
export const TASKS = {
  [MAIL_TASK]: 'queued',
  [REMINDERS_TASK]: 'scheduled',
  [RETENTION_TASK]: 'scheduled',
  [CERTIFICATES_TASK]: 'scheduled',
} as const satisfies Record<string, 'queued' | 'scheduled'>;

export type TaskName = keyof typeof TASKS;

export const TASK_NAMES = Object.keys(TASKS) as TaskName[];

export interface JobTasksDeps {
  config: Config;
  secretKey: string;
  /** The runner's pool. */
  db: Kysely<Database>;
  /** The runner's id and the signal its stop aborts: the mail task needs them (mail.sender.ts). */
  runnerId: string;
  signal: AbortSignal;
  transport?: MailTransport;
  clock?: () => Date;
  log?: (level: 'warning' | 'info', message: string) => void;
}

export function jobTasks(deps: JobTasksDeps): { tasks: Record<TaskName, Task>; mail: MailSender } {
  const { config, db, clock } = deps;
  const built = buildServices(config, { db, secretKey: deps.secretKey, clock });
  const mail = mailSender({
    db,
    config,
    secretKey: deps.secretKey,
    runnerId: deps.runnerId,
    signal: deps.signal,
    transport: deps.transport,
    clock,
    log: deps.log,
  });
  return {
    tasks: {
      [MAIL_TASK]: mail.task,
      [REMINDERS_TASK]: remindersTask(db, config.reminderOffsetsMs, clock),
      [RETENTION_TASK]: retentionTask({ db, config, privacy: built.services.privacy, throttles: built.throttles, clock }),
      [CERTIFICATES_TASK]: certificatesTask(built.services.certificates),
    },
    mail,
  };
}
