// What the daily job clears besides retention: rows and files that hold personal data only for a while.
//   - sign-in sessions that are over (expired or idle), and sign-in throttle rows quiet for a day;
//   - the development outbox's messages older than a week (names, manage links);
//   - addresses quoted in the queue's error texts.
// Each step is idempotent, so a retried or doubled run does no harm.
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import * as accountsRepo from '../accounts/accounts.repository.ts';
import { purgeOutbox } from '../mail/mail.outbox.ts';
import { scrubQueueErrors } from '../mail/mail.queue.ts';

const DAY_MS = 86_400_000;
/** A developer reads the outbox the same day; a week is generous and bounds what a copied laptop holds. */
export const OUTBOX_KEPT_MS = 7 * DAY_MS;

export interface HousekeepingResult {
  sessions: number;
  throttles: number;
  outboxMessages: number;
  queueErrors: number;
}

export async function housekeeping(db: Kysely<Database>, opts: { dataDir: string; sessionIdleMs: number; now: Date }): Promise<HousekeepingResult> {
  const { now } = opts;
  const sessions = await accountsRepo.deleteDeadSignIns(db, now, new Date(now.getTime() - opts.sessionIdleMs));
  const throttles = await accountsRepo.deleteOldThrottles(db, new Date(now.getTime() - DAY_MS), now);
  const outboxMessages = await purgeOutbox(path.join(opts.dataDir, 'mail'), new Date(now.getTime() - OUTBOX_KEPT_MS));
  const queueErrors = await scrubQueueErrors(db);
  return { sessions, throttles, outboxMessages, queueErrors };
}
