// Mail as organisers use it: write to everyone registered for a cycle, and see who got what, when. The
// HTTP routes come with the organiser console (they add the role and ownership checks).
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database, RegistrationStatus } from '../../../db/schema.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { msg } from '../../lib/i18n.ts';
import * as queue from './mail.queue.ts';
import * as sendLog from './mail.log.repository.ts';
import * as repo from './mail.repository.ts';
import { inTransaction } from '../../lib/db-retry.ts';

const PRINTABLE_LINE = /^[^\p{Cc}]*$/u;

export const BulkMessageInput = z.object({
  subject: z.string().trim().min(1).max(200).regex(PRINTABLE_LINE, 'must be one line'),
  body: z.string().trim().min(1).max(20_000),
  statuses: z
    .array(z.enum(['confirmed', 'waitlisted', 'cancelled']))
    .min(1)
    .default(['confirmed']),
  /**
   * Idempotency key of this send (the console makes one per form). Omitted: derived from the cycle and
   * the text, so the same message submitted twice is sent once; pass a new id to send it again on purpose.
   */
  messageId: z.uuid().optional(),
});
export type BulkMessage = z.input<typeof BulkMessageInput>;

/** A UUID-shaped digest, so a content-derived id fits the same column as a client-made one. */
function contentId(cycleId: string, m: { subject: string; body: string; statuses: string[] }): string {
  const h = createHash('sha256')
    .update(JSON.stringify([cycleId, m.subject, m.body, [...m.statuses].sort()]))
    .digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface MailServiceDeps {
  db: Kysely<Database>;
  clock?: () => Date;
}

export function mailService(deps: MailServiceDeps) {
  const { db } = deps;
  const clock = deps.clock ?? (() => new Date());

  return {
    /**
     * Enqueues one organiser-message per registration of the cycle whose status is in `statuses`, in
     * one transaction, each with the job key (message id, registration): a repeated call with the same
     * message id adds nothing, and the send log stops any second delivery.
     */
    async sendToCycle(cycleId: string, input: BulkMessage): Promise<{ messageId: string; recipients: number; duplicate: boolean }> {
      const parsed = BulkMessageInput.safeParse(input);
      if (!parsed.success) {
        const list = parsed.error.issues.map((i) => `${i.path.join('.') || 'input'} (${i.message})`).join('; ');
        throw new AppError(400, 'validation_error', msg('error_invalid_data', { list }));
      }
      const m = parsed.data;
      const statuses = [...new Set(m.statuses)] as RegistrationStatus[];
      const messageId = m.messageId ?? contentId(cycleId, { ...m, statuses });
      if (!z.uuid().safeParse(cycleId).success) throw notFound(msg('error_cycle_id_not_found'));
      return inTransaction(db, async (trx) => {
        if (!(await repo.cycleExists(trx, cycleId))) throw notFound(msg('error_cycle_id_not_found'));
        const created = await repo.insertOrganiserMessage(trx, { id: messageId, cycleId, subject: m.subject, body: m.body, statuses, now: clock() });
        if (!created) {
          const existing = await repo.organiserMessage(trx, messageId);
          if (!existing || existing.cycle_id !== cycleId) {
            throw new AppError(409, 'message_id_in_use', msg('error_message_id_in_use'));
          }
          return { messageId, recipients: existing.recipients, duplicate: true };
        }
        const recipients = await queue.enqueueOrganiserMessage(trx, { id: messageId, cycleId, statuses });
        await repo.setOrganiserMessageRecipients(trx, messageId, recipients);
        return { messageId, recipients, duplicate: false };
      });
    },

    /** The send log of a cycle or of one registration, newest first. */
    async log(filter: sendLog.LogFilter) {
      const rows = await sendLog.listLog(db, filter);
      return rows.map((r) => ({
        id: r.id,
        template: r.template,
        registrationId: r.registration_id,
        sessionId: r.session_id,
        recipient: r.recipient,
        subject: r.subject,
        status: r.status,
        attempts: r.attempts,
        smtpResponse: r.smtp_response,
        error: r.error,
        possibleDuplicate: r.possible_duplicate,
        createdAt: new Date(r.created_at).toISOString(),
        sentAt: r.sent_at ? new Date(r.sent_at).toISOString() : null,
      }));
    },

    /** Counts by status, and how many messages may have gone out twice (crash in the SMTP window). */
    async stats() {
      return sendLog.logStats(db);
    },
  };
}

export type MailService = ReturnType<typeof mailService>;
