// The reminder scheduler: a graphile-worker cron task, every minute (server/jobs/jobs.schedules.ts), that
// queues the reminders now due (mail.queue.ts enqueueDueReminders: sessions × confirmed registrations ×
// REMINDER_OFFSETS, minus those already in reminders_sent). Nothing is queued per person at sign-up and nothing is rescheduled when a
// meeting moves or is cancelled: each tick reads the meetings and the registrations as they are then.
// Cron ticks survive restarts (graphile-worker keeps its own record of them) and the job key keeps two
// workers from running the same tick at once; reminders_sent makes any repeat harmless anyway.
import type { Task } from 'graphile-worker';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import { enqueueDueReminders } from './mail.queue.ts';

export const REMINDERS_TASK = 'reminders-due';

export function remindersTask(db: Kysely<Database>, offsetsMs: readonly number[], clock: () => Date = () => new Date()): Task {
  return async (_payload, helpers) => {
    const n = await enqueueDueReminders(db, offsetsMs, clock());
    if (n > 0) helpers.logger.info(`reminders: ${n} queued`);
  };
}
