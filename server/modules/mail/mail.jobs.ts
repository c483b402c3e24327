// What a mail job carries, and the keys that make it unique. Payloads hold ids (and the few numbers
// that say which version of a meeting a job is about), never a token or a person's data: the worker loads
// the current state and renders at send time.
import { z } from 'zod';

/** graphile-worker task identifier of every mail job. */
export const MAIL_TASK = 'mail';

/**
 * graphile-worker retries a failed job after exp(min(attempts, 10)) seconds: 3 s, 7 s, 20 s, 55 s,
 * 2.5 min, 7 min, 18 min, 50 min, 2.2 h. Ten attempts keep a message trying for about 4 hours of SMTP
 * trouble, then it is recorded as failed.
 */
export const MAIL_MAX_ATTEMPTS = 10;

/** Lower runs first: a bulk message to a whole cycle must not delay someone's confirmation. */
export const PRIORITY = { transactional: 0, reminder: 0, bulk: 10 } as const;

const id = z.uuid();

export const MailPayload = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('registration-confirmed'), registrationId: id }),
  z.object({ kind: z.literal('registration-waitlisted'), registrationId: id }),
  z.object({ kind: z.literal('registration-promoted'), registrationId: id }),
  z.object({ kind: z.literal('registration-cancelled'), registrationId: id }),
  z.object({
    kind: z.literal('session-reminder'),
    registrationId: id,
    sessionId: id,
    offsetMs: z.number().int().positive(),
    /** The start this reminder was scheduled for: a moved meeting makes older reminders stale. */
    startsAtMs: z.number().int(),
  }),
  z.object({ kind: z.literal('session-changed'), registrationId: id, sessionId: id, sequence: z.number().int().min(0) }),
  z.object({ kind: z.literal('session-cancelled'), registrationId: id, sessionId: id, sequence: z.number().int().min(0) }),
  z.object({ kind: z.literal('organiser-message'), registrationId: id, messageId: id }),
  z.object({ kind: z.literal('manage-links'), participantId: id, requestId: z.string().min(1).max(100) }),
  /** The one-time link to a person's whole data; the link is derived from the request id at send time. */
  z.object({ kind: z.literal('personal-data-link'), requestId: id }),
  /** Materials of a meeting (or of the whole cycle, sessionId null); materialId: the newest, naming the batch. */
  z.object({ kind: z.literal('materials-available'), registrationId: id, cycleId: id, sessionId: id.nullable(), materialId: id }),
  z.object({ kind: z.literal('certificate-issued'), registrationId: id }),
]);
export type MailPayload = z.infer<typeof MailPayload>;
export type MailKind = MailPayload['kind'];

export type RegistrationMailKind = 'registration-confirmed' | 'registration-waitlisted' | 'registration-promoted' | 'registration-cancelled';

/** graphile-worker job_key: one pending job per key (a second add replaces it). */
export function jobKey(p: MailPayload): string {
  switch (p.kind) {
    case 'registration-confirmed':
    case 'registration-waitlisted':
    case 'registration-promoted':
    case 'registration-cancelled':
      return `mail:${p.kind}:${p.registrationId}`;
    case 'session-reminder':
      return reminderKey(p.registrationId, p.sessionId, p.offsetMs);
    case 'session-changed':
    case 'session-cancelled':
      return `mail:${p.kind}:${p.sessionId}:${p.sequence}:${p.registrationId}`;
    case 'organiser-message':
      return `mail:organiser-message:${p.messageId}:${p.registrationId}`;
    case 'manage-links':
      return `mail:manage-links:${p.participantId}:${p.requestId}`;
    case 'personal-data-link':
      return `mail:personal-data-link:${p.requestId}`;
    // The same key mail.queue.ts gives the materials jobs it enqueues in SQL: one pending mail per person and meeting.
    case 'materials-available':
      return `mail:materials-available:${p.sessionId ?? `cycle-${p.cycleId}`}:${p.registrationId}`;
    case 'certificate-issued':
      return `mail:certificate-issued:${p.registrationId}`;
  }
}

export function reminderKey(registrationId: string, sessionId: string, offsetMs: number): string {
  return `reminder:${registrationId}:${sessionId}:${offsetMs}`;
}

/**
 * The send log's key: the message, once sent, is never sent again under it. The same as the job key,
 * except for reminders, where it also names the start time: a reminder for a meeting that moved later
 * is a new message, while a retry of the same one is not.
 */
export function dedupeKey(p: MailPayload): string {
  if (p.kind === 'materials-available') return `${jobKey(p)}@${p.materialId}`;
  return p.kind === 'session-reminder' ? `${jobKey(p)}@${p.startsAtMs}` : jobKey(p);
}
