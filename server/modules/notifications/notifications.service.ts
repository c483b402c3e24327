// What must follow a change of state: e-mails (reminders come from the reminder scheduler, not from here).
// Every function runs inside the caller's transaction and only ENQUEUES jobs there (docs/architecture.md
// rule 5), so a rolled-back change sends nothing and a committed one can't lose its mail.
//
// This is the seam between the domain services (registrations, sessions) and the mail queue: the
// domain calls these hooks; the mail issue implements them.
import type { Transaction } from 'kysely';
import type { Database, RegistrationStatus } from '../../../db/schema.ts';

export type SessionChange = 'moved' | 'cancelled' | 'updated';

/**
 * Who is emailed when a meeting changes: for a move (or a reinstatement) the people with a seat; for a
 * cancellation also those waiting for one (the programme they wait for changed); a title-only change
 * emails nobody (subscribed calendars show it). The notifier sends by this rule, and the console's
 * meeting page counts by it before the organiser confirms.
 */
export const SESSION_CHANGE_AUDIENCE: Record<SessionChange, readonly RegistrationStatus[]> = {
  moved: ['confirmed'],
  cancelled: ['confirmed', 'waitlisted'],
  updated: [],
};

/** How many people a change of a meeting emails, from the cycle's counts per status. */
export function sessionChangeAudience(change: SessionChange, counts: Readonly<Record<RegistrationStatus, number>>): number {
  return SESSION_CHANGE_AUDIENCE[change].reduce((n, status) => n + counts[status], 0);
}

/** The mail that will announce a new material: how many people get it, and when it leaves (null: nobody). */
export interface MaterialsAnnouncement {
  recipients: number;
  sendAt: Date | null;
}

export interface Notifier {
  /** New registrations (a whole sign-up batch): each gets its confirmation or waiting-list mail. */
  registrationsCreated(trx: Transaction<Database>, registrations: readonly { id: string; status: 'confirmed' | 'waitlisted' }[]): Promise<void>;
  /** The person cancelled (or was cancelled): acknowledgement. */
  registrationCancelled(trx: Transaction<Database>, registrationId: string): Promise<void>;
  /** Off the waiting list: "you are in" mail. */
  registrationPromoted(trx: Transaction<Database>, registrationId: string): Promise<void>;
  /** An organiser moved, re-placed or cancelled a meeting: everyone registered is told. */
  sessionChanged(trx: Transaction<Database>, sessionId: string, change: SessionChange): Promise<void>;
  /** A material was published: those who may see it get its link; says who and when, for the organiser. */
  materialsPublished(trx: Transaction<Database>, materialId: string): Promise<MaterialsAnnouncement>;
  /** A certificate of attendance was issued: its holder gets the links. */
  certificateIssued(trx: Transaction<Database>, registrationId: string): Promise<void>;
}

/** Does nothing: for tests and tools that build services without the mail queue. */
export const silentNotifier: Notifier = {
  async registrationsCreated() {},
  async registrationCancelled() {},
  async registrationPromoted() {},
  async sessionChanged() {},
  async materialsPublished() {
    return { recipients: 0, sendAt: null };
  },
  async certificateIssued() {},
};
