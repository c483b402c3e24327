// The graphile-worker task that sends one mail job: compose at send time, claim the message in the send
// log, hand it to SMTP, record the outcome.
//
// Delivery guarantees (see README.md in this folder for the long version):
// - One job runs in one worker at a time (graphile-worker claims jobs with SKIP LOCKED).
// - One message is sent at most once per deduplication key as long as its outcome gets recorded: the
//   claim ('sending') is committed before SMTP, 'sent' right after the server's 250, and anything that
//   finds 'sent' does nothing (a replayed job, a double-clicked bulk send, a job re-added after its
//   first run finished).
// - Once the server accepted a message, marking it 'sent' is retried until the database answers (the
//   SMTP response waits in memory), bounded only by the worker's stop: a database outage at that moment
//   costs no second copy.
// - The window that stays at-least-once: the process dies (or its stop budget ends) after the server
//   accepted the message and before 'sent' is committed, or in the middle of the SMTP transaction. The
//   retry finds its own 'sending' row, sends again with the same Message-ID and flags the row
//   possible_duplicate, so such cases are counted, not hidden.
// - 4xx or no answer: marked 'retrying' and thrown, so graphile-worker retries with its exponential
//   backoff; 5xx: marked 'failed' and NOT thrown (a retry can't succeed); the last attempt: 'failed'.
import { withoutAddresses } from '../../lib/scrub.ts';
import type { JobHelpers, Task } from 'graphile-worker';
import type { Executor } from '../../lib/db.ts';
import type { AcceptedJournal } from './mail.accepted.ts';
import { THROTTLED_REASON, type MailboxCap } from './mail.cap.ts';
import type { MailComposer } from './mail.compose.ts';
import { MailPayload } from './mail.jobs.ts';
import * as sendLog from './mail.log.repository.ts';
import { classifyFailure, messageIdFor, toMessage, type MailTransport } from './mail.transport.ts';

export interface MailTaskDeps {
  db: Executor;
  composer: MailComposer;
  transport: MailTransport;
  /** The hourly cap per mailbox (mail.cap.ts). */
  cap: MailboxCap;
  publicUrl: string;
  mailFrom: string;
  clock?: () => Date;
  /** A 'sending' claim older than this is an attempt that died (well above the SMTP timeouts). */
  leaseMs?: number;
  /** Aborted when the worker stops for good: in-flight deliveries are given up, their rows left 'sending'. */
  signal?: AbortSignal;
  /** Where the proof of each acceptance goes before the database is asked (mail.accepted.ts). */
  accepted?: AcceptedJournal;
}

export class TemporaryMailError extends Error {
  override name = 'TemporaryMailError';
}

/**
 * The database could not be reached (refused, terminated, restarting, not accepting connections), as
 * opposed to a statement it answered with an error: the first kind is worth waiting out.
 */
export function isDatabaseUnreachable(err: unknown): boolean {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  // SQLSTATE: connection exceptions, insufficient resources, operator intervention (shutdown, restart),
  // "database is not accepting connections", lock not available.
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    return ['08', '53', '57'].includes(code.slice(0, 2)) || code === '55000' || code === '55P03';
  }
  // Socket errors (ECONNREFUSED, ECONNRESET, ...) and pg's own: a connection that ended, a pool timeout.
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return true;
  return typeof message === 'string' && /connection terminated|connection error|timeout exceeded when trying to connect|not queryable/i.test(message);
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

export function mailTask(deps: MailTaskDeps): Task {
  const clock = deps.clock ?? (() => new Date());
  const leaseMs = deps.leaseMs ?? 5 * 60_000;

  return async (raw: unknown, helpers: JobHelpers) => {
    const parsed = MailPayload.safeParse(raw);
    if (!parsed.success) {
      // A payload no version of this code wrote: retrying can't fix it, and it must not block the queue.
      helpers.logger.error(`mail job ${helpers.job.id} has an invalid payload, dropped: ${parsed.error.message}`);
      return;
    }
    const payload = parsed.data;
    const job = helpers.job;
    const jobId = String(job.id);
    const composition = await deps.composer.compose(payload, clock());
    const subjectOfLog = { ...(composition.send ? composition.draft.log : composition.log), jobId, jobKey: job.key ?? null };

    if (!composition.send) {
      await sendLog.recordSkipped(deps.db, { ...subjectOfLog, reason: composition.reason, recipient: composition.recipient, now: clock() });
      return;
    }

    const draft = composition.draft;
    const messageId = messageIdFor(draft.log.dedupeKey, deps.publicUrl);
    const claim = await sendLog.claim(deps.db, {
      ...subjectOfLog,
      recipient: draft.to.email,
      subject: draft.rendered.subject,
      locale: draft.locale,
      messageId,
      now: clock(),
      leaseMs,
    });
    if (claim.outcome === 'done') return;
    if (claim.outcome === 'busy') throw new TemporaryMailError(`message ${draft.log.dedupeKey} is being sent by another job`);
    // Counted once per message, on its first claim: a retry after a 4xx is the same message.
    if (claim.attempts === 1 && !(await deps.cap.admit(payload.kind, draft.to.email))) {
      await sendLog.markSkipped(deps.db, draft.log.dedupeKey, { reason: THROTTLED_REASON, now: clock() });
      helpers.logger.info(`mail ${draft.log.dedupeKey} not sent: ${THROTTLED_REASON}`);
      return;
    }
    if (claim.possibleDuplicate) {
      helpers.logger.warn(`mail ${draft.log.dedupeKey}: an earlier attempt may have reached SMTP; sending again (possible duplicate)`);
    }

    let result;
    try {
      result = await deps.transport.send(toMessage(draft, { from: deps.mailFrom, messageId }), { signal: deps.signal });
    } catch (err) {
      if (deps.signal?.aborted) {
        // Given up mid-transaction: the server may or may not have the message. The row stays 'sending',
        // so the next attempt sends it again flagged possible_duplicate, with the same Message-ID.
        throw new TemporaryMailError(`mail ${draft.log.dedupeKey}: the worker stopped before the SMTP server answered`);
      }
      const failure = classifyFailure(err);
      const error = err instanceof Error ? err.message : String(err);
      const last = job.attempts >= job.max_attempts;
      if (failure.kind === 'permanent' || last) {
        await sendLog.markUnsent(deps.db, draft.log.dedupeKey, { status: 'failed', error, smtpResponse: failure.response, now: clock() });
        helpers.logger.warn(`mail ${draft.log.dedupeKey} failed for good: ${withoutAddresses(error)}`);
        return;
      }
      await sendLog.markUnsent(deps.db, draft.log.dedupeKey, { status: 'retrying', error, smtpResponse: failure.response, now: clock() });
      // The queue keeps this text in its job row (last_error): without the address it quotes.
      throw new TemporaryMailError(withoutAddresses(error));
    }
    const sentAt = clock();
    deps.accepted?.record({ dedupeKey: draft.log.dedupeKey, messageId, response: result.response, at: sentAt });
    for (let delay = 250; ; delay = Math.min(delay * 2, 5_000)) {
      try {
        await sendLog.markSent(deps.db, draft.log.dedupeKey, { smtpResponse: result.response, now: sentAt });
        deps.accepted?.settled();
        return;
      } catch (err) {
        if (!isDatabaseUnreachable(err)) throw err;
        if (deps.signal?.aborted) {
          throw new TemporaryMailError(
            withoutAddresses(`mail ${draft.log.dedupeKey}: accepted by SMTP (${result.response}), but the worker stopped before the database recorded it`),
          );
        }
        helpers.logger.warn(
          withoutAddresses(`mail ${draft.log.dedupeKey}: accepted by SMTP (${result.response}), not yet recorded, retrying: ${(err as Error).message}`),
        );
        await sleep(delay, deps.signal);
      }
    }
  };
}
