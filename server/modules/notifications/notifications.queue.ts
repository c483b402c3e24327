// The real Notifier: each hook enqueues mail jobs (graphile-worker) inside the caller's transaction, so
// the mail exists exactly when the change commits. Jobs carry ids; the worker renders at send time.
import type { Transaction } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import * as queue from '../mail/mail.queue.ts';
import * as repo from '../mail/mail.repository.ts';
import { enqueueMaterialMails } from '../materials/materials.mail.ts';
import type { Notifier, SessionChange } from './notifications.service.ts';

export interface QueueNotifierOptions {
  /** config.reminderOffsetsMs: reminders go out at start minus each offset. */
  reminderOffsetsMs: readonly number[];
  clock?: () => Date;
}

export function queueNotifier(opts: QueueNotifierOptions): Notifier {
  const clock = opts.clock ?? (() => new Date());
  const offsets = opts.reminderOffsetsMs;

  return {
    async registrationCreated(trx: Transaction<Database>, registrationId: string) {
      const r = await repo.registrationStatus(trx, registrationId);
      if (!r || r.status === 'cancelled') return;
      if (r.status === 'confirmed') {
        await queue.enqueueWithReminders(trx, registrationId, { kind: 'registration-confirmed', registrationId }, offsets, clock());
      } else {
        await queue.enqueue(trx, { kind: 'registration-waitlisted', registrationId });
      }
    },

    async registrationPromoted(trx, registrationId) {
      await queue.enqueueWithReminders(trx, registrationId, { kind: 'registration-promoted', registrationId }, offsets, clock());
    },

    async registrationCancelled(trx, registrationId) {
      await queue.enqueue(trx, { kind: 'registration-cancelled', registrationId });
      await queue.removeRemindersOfRegistration(trx, registrationId, offsets);
    },

    async sessionChanged(trx, sessionId, change: SessionChange) {
      const s = await repo.sessionHead(trx, sessionId);
      if (!s) return;
      const session = { id: s.id, cycleId: s.cycle_id, sequence: s.sequence };
      if (change === 'cancelled' || s.status === 'cancelled') {
        // People waiting for a seat are told too: the programme they wait for changed.
        await queue.enqueueSessionMails(trx, 'session-cancelled', session, ['confirmed', 'waitlisted']);
      } else if (change === 'moved') {
        await queue.enqueueSessionMails(trx, 'session-changed', session, ['confirmed']);
      }
      // A title-only change ('updated') sends no mail (the subscribed calendars show it); reminders are
      // rescheduled in every case: moved to the new time, dropped if cancelled or now in the past.
      await queue.rescheduleSessionReminders(trx, sessionId, offsets, clock());
    },

    async materialsPublished(trx, materialId) {
      await enqueueMaterialMails(trx, materialId, clock());
    },

    async certificateIssued(trx, registrationId) {
      await queue.enqueue(trx, { kind: 'certificate-issued', registrationId });
    },
  };
}
