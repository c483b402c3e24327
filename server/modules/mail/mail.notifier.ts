// The real Notifier: each hook enqueues mail jobs (graphile-worker) inside the caller's transaction, so
// the mail exists exactly when the change commits. Jobs carry ids; the worker renders at send time.
// Reminders are not enqueued here: the reminder scheduler (mail.reminders.ts) finds them when they are
// due, from the sessions and the confirmed registrations as they are then.
import type { Transaction } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import { SESSION_CHANGE_AUDIENCE, type Notifier, type SessionChange } from '../notifications/notifications.service.ts';
import * as queue from './mail.queue.ts';
import * as repo from './mail.repository.ts';

/**
 * How long uploads are gathered before a materials announcement goes out. One job per person and
 * meeting, keyed by both and scheduled this far ahead: the slides, the e-book and the recording uploaded
 * one after another after a meeting replace the pending job instead of adding one, and make one mail
 * listing them all (materials.mail.ts reads the list at send time). The payload names the newest
 * material, which makes the send log's key new for every batch (mail.jobs.ts dedupeKey).
 */
export const MATERIALS_MAIL_DELAY_MS = 10 * 60_000;

export interface QueueNotifierOptions {
  clock?: () => Date;
}

export function queueNotifier(opts: QueueNotifierOptions = {}): Notifier {
  const clock = opts.clock ?? (() => new Date());

  return {
    async registrationsCreated(trx: Transaction<Database>, registrations) {
      // A whole sign-up batch in one add_jobs call: one cheap statement inside the seat lock.
      await queue.enqueueRegistrationMails(
        trx,
        registrations.map((r) => ({ registrationId: r.id, kind: r.status === 'confirmed' ? 'registration-confirmed' : 'registration-waitlisted' })),
      );
    },

    async registrationPromoted(trx, registrationId) {
      await queue.enqueue(trx, { kind: 'registration-promoted', registrationId });
    },

    async registrationCancelled(trx, registrationId) {
      await queue.enqueue(trx, { kind: 'registration-cancelled', registrationId });
    },

    async sessionChanged(trx, sessionId, change: SessionChange) {
      const s = await repo.sessionHead(trx, sessionId);
      if (!s) return;
      const session = { id: s.id, cycleId: s.cycle_id, sequence: s.sequence };
      // Who is told: SESSION_CHANGE_AUDIENCE (a title-only change, nobody). Reminders need nothing: the
      // scheduler reads the meeting's time and status when a reminder comes due.
      if (change === 'cancelled' || s.status === 'cancelled') {
        await queue.enqueueSessionMails(trx, 'session-cancelled', session, [...SESSION_CHANGE_AUDIENCE.cancelled]);
      } else if (change === 'moved') {
        await queue.enqueueSessionMails(trx, 'session-changed', session, [...SESSION_CHANGE_AUDIENCE.moved]);
      }
    },

    async materialsPublished(trx, materialId) {
      // Every confirmed registration that may see the material.
      const sendAt = new Date(clock().getTime() + MATERIALS_MAIL_DELAY_MS);
      const recipients = await queue.enqueueMaterialsAnnouncement(trx, materialId, sendAt);
      return { recipients, sendAt: recipients > 0 ? sendAt : null };
    },

    async certificateIssued(trx, registrationId) {
      await queue.enqueue(trx, { kind: 'certificate-issued', registrationId });
    },
  };
}
