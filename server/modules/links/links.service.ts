// "Send me my links": a person who lost her mails types her address and gets the manage links of her
// active registrations by mail. The answer is the same whether or not the address is known, and so is
// the work done to give it: one lookup, one throttle record, one mail job, in one transaction. For an
// unknown address the job names a participant that does not exist and the worker records it as skipped,
// so neither the status, the body nor the time taken tells the two cases apart. Nothing waits for SMTP.
//
// Throttled per address and per IP address (rows in PostgreSQL, so every app node agrees); the address
// is stored only as an HMAC under the server secret.
import { createHmac, randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import { inTransaction } from '../../lib/db-retry.ts';
import { AppError } from '../../lib/errors.ts';
import { msg } from '../../lib/i18n.ts';
import * as queue from '../mail/mail.queue.ts';
import * as repo from './links.repository.ts';

export const LINKS_PER_EMAIL = 3;
export const LINKS_PER_IP = 20;
export const LINKS_WINDOW_MS = 60 * 60_000;

export const linksErrors = {
  tooMany: () => new AppError(429, 'rate_limited', msg('error_links_too_many')),
};

export const ACCEPTED = msg('links_request_accepted');

/** The address as the throttle (and the erasure of that person) knows it. */
export function emailKey(secret: Buffer, email: string): Buffer {
  return createHmac('sha256', secret).update(`links:${email}`).digest();
}

/**
 * The throttle of every request that makes us mail a secret link to an address someone typed ("send me
 * my links", the one-time link to one's whole data): they share one budget, so alternating between them
 * can't fill a mailbox. Counts the request, or throws 429. Call inside the transaction that does the work.
 */
export async function countMailRequest(trx: Transaction<Database>, emailHash: Buffer, ip: string, now: Date): Promise<void> {
  // One request at a time per address, so two at once can't both slip under the limit.
  await repo.lockAddress(trx, emailHash);
  const counts = await repo.recentCounts(trx, emailHash, ip, new Date(now.getTime() - LINKS_WINDOW_MS));
  if (counts.email >= LINKS_PER_EMAIL || counts.ip >= LINKS_PER_IP) throw linksErrors.tooMany();
  await repo.record(trx, { emailHash, ip, at: now });
}

export function linksService(deps: { db: Kysely<Database>; secret: Buffer; clock?: () => Date }) {
  const { db, secret } = deps;
  const clock = deps.clock ?? (() => new Date());

  return {
    async request(email: string, ip: string): Promise<void> {
      const now = clock();
      const emailHash = emailKey(secret, email);
      await inTransaction(db, async (trx) => {
        await countMailRequest(trx, emailHash, ip, now);
        const participant = await repo.participantByEmail(trx, email);
        await queue.enqueue(trx, { kind: 'manage-links', participantId: participant?.id ?? randomUUID(), requestId: randomUUID() });
      });
    },
  };
}

export type LinksService = ReturnType<typeof linksService>;
