// The hourly cap on the mail one mailbox receives, checked by the worker just before SMTP: over the
// cap a message is not sent and is logged `skipped` with a reason starting "throttled", so an organiser
// sees it in the send log. Counted in PostgreSQL (throttle_counters), so every worker shares the count.
//
// Only the mails a stranger can cause are capped and counted: the sign-up flow (confirmed, waitlisted,
// promoted, cancelled) and "send me my links". Reminders, and everything an organiser causes (changed
// or cancelled meetings, messages, materials, certificates), are exempt: nobody outside can multiply
// them, and a flood of sign-up mails must not be able to silence the notice that a meeting is cancelled.
//
// 10 an hour: an honest person signs up to at most 5 cycles an hour (the sign-up limit), may cancel
// one or two and ask for her links; more than 10 such mails in an hour is someone else's doing.
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import { mailboxOf, throttlesService } from '../throttles/throttles.service.ts';
import type { MailKind } from './mail.jobs.ts';

export const MAILBOX_CAP_PER_HOUR = 10;

const CAPPED: ReadonlySet<MailKind> = new Set<MailKind>([
  'registration-confirmed',
  'registration-waitlisted',
  'registration-promoted',
  'registration-cancelled',
  'manage-links',
]);

const RULE = { scope: 'mail:mailbox', limit: MAILBOX_CAP_PER_HOUR, windowMs: 60 * 60_000 };

export const THROTTLED_REASON = `throttled: more than ${MAILBOX_CAP_PER_HOUR} messages of this kind to this mailbox in an hour`;

export function mailboxCap(deps: { db: Kysely<Database>; secret: Buffer; clock?: () => Date }) {
  const throttles = throttlesService(deps);
  return {
    /** Counts one message to this recipient; false when the mailbox is over its cap (do not send). */
    async admit(kind: MailKind, recipient: string): Promise<boolean> {
      if (!CAPPED.has(kind)) return true;
      const [decision] = await throttles.consume([[{ rule: RULE, value: mailboxOf(recipient) }]]);
      return decision!.allowed;
    },
  };
}

export type MailboxCap = ReturnType<typeof mailboxCap>;
