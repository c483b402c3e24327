// THE crontab of the job runner: every periodic task and when it runs (graphile-worker's cron, UTC).
// graphile-worker keeps its own record of each tick, so ticks survive restarts and run once across any
// number of runners; the job key of each line keeps a slow run from being doubled by the next tick.
// A line's text is its identity in a deployed database (graphile_worker's known crontabs): change a
// line only on purpose. tests/unit/jobs.schedules.test.ts checks these lines against jobs.tasks.ts.
import { parseCrontab } from 'graphile-worker';
import { CERTIFICATES_TASK } from '../modules/certificates/certificates.jobs.ts';
import { REMINDERS_TASK } from '../modules/mail/mail.reminders.ts';
import { RETENTION_TASK } from '../modules/privacy/privacy.jobs.ts';
import { TASKS } from './jobs.tasks.ts';

export const SCHEDULES: readonly string[] = [
  // Every minute: a reminder leaves at most a minute after its moment. One attempt: the next tick is
  // the retry, and reminders_sent makes a repeated tick harmless.
  `* * * * * ${REMINDERS_TASK} ?max=1&jobKey=${REMINDERS_TASK}`,
  // Daily at 02:30 UTC, the quietest hour: retention counts in months, and anonymising whole cycles
  // is the heaviest write of the day. Three attempts ride out a short database outage.
  `30 2 * * * ${RETENTION_TASK} ?max=3&jobKey=${RETENTION_TASK}`,
  // Every 15 minutes: a certificate (and its mail) follows the end of a cycle within a quarter of an
  // hour, while a sweep that finds nothing costs one small query.
  `*/15 * * * * ${CERTIFICATES_TASK} ?max=3&jobKey=${CERTIFICATES_TASK}`,
];

/** The task a crontab line names. */
export function scheduledTask(line: string): string {
  const [item] = parseCrontab(line);
  if (!item) throw new Error(`not a crontab line: ${line}`);
  return item.task;
}

/**
 * The crontab of a runner that runs `tasks`: the lines of the other tasks left out. A line naming a
 * task nobody has is an error, not a tick that would queue jobs no runner can run.
 */
export function crontabFor(tasks: readonly string[], schedules: readonly string[] = SCHEDULES): string {
  return schedules
    .filter((line) => {
      const task = scheduledTask(line);
      if (!Object.hasOwn(TASKS, task)) throw new Error(`the crontab line "${line}" names ${task}, which is not a task of jobs.tasks.ts`);
      return tasks.includes(task);
    })
    .join('\n');
}
