// The job runner's two lists agree: every crontab line (jobs.schedules.ts) names a task of the list
// (jobs.tasks.ts), every periodic task has a line and a queued one none, and the runner refuses to
// start on a line naming a task nobody has (instead of queuing jobs no runner can run).
import { describe, expect, it } from 'vitest';
import { crontabFor, SCHEDULES, scheduledTask } from '../../server/jobs/jobs.schedules.ts';
import { TASK_NAMES, TASKS } from '../../server/jobs/jobs.tasks.ts';

describe('the job runner’s tasks and schedules', () => {
  it('every crontab line names a task of the list', () => {
    for (const line of SCHEDULES) expect(TASK_NAMES, line).toContain(scheduledTask(line));
  });

  it('every periodic task has exactly one crontab line, a queued task none', () => {
    const scheduled = SCHEDULES.map(scheduledTask);
    for (const name of TASK_NAMES) {
      expect(scheduled.filter((task) => task === name).length, name).toBe(TASKS[name] === 'scheduled' ? 1 : 0);
    }
  });

  it('the crontab of a runner holds the lines of its tasks only, and refuses a line naming a missing task', () => {
    expect(crontabFor(TASK_NAMES).split('\n')).toEqual(SCHEDULES);
    expect(crontabFor(['mail'])).toBe('');
    expect(() => crontabFor(TASK_NAMES, [...SCHEDULES, '0 3 * * * no-such-task ?max=1'])).toThrow(/no-such-task/);
  });
});
