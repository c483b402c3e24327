// The mail that announces materials: who gets it (enqueued in the upload's transaction) and what it
// lists (read at send time, so a material removed or restricted meanwhile is not announced).
//
// One job per person and meeting, keyed by both and scheduled a few minutes ahead: the slides, the
// e-book and the recording uploaded one after another after a meeting replace the pending job instead of
// adding one, and make one mail listing them all. The payload names the newest material, which makes
// the send log's key new for every batch (mail.jobs.ts dedupeKey).
import type { RegistrationStatus } from '../../../db/schema.ts';
import type { Executor } from '../../lib/db.ts';
import * as queue from '../mail/mail.queue.ts';
import { maySee, urlFor, viewerOf } from './materials.access.ts';
import * as repo from './materials.repository.ts';

/** How long uploads are gathered before the announcement goes out. */
export const MATERIALS_MAIL_DELAY_MS = 10 * 60_000;

/** Enqueues the announcement for every confirmed registration that may see the material. */
export async function enqueueMaterialMails(trx: Executor, materialId: string, now: Date): Promise<number> {
  const runAt = new Date(now.getTime() + MATERIALS_MAIL_DELAY_MS);
  return queue.enqueueMaterialsAnnouncement(trx, materialId, runAt);
}

/**
 * What the mail lists for one person: the materials of that meeting (or of the whole cycle) they may
 * see now, each with the address for them, and the meeting they belong to.
 */
export async function materialsForMail(
  db: Executor,
  publicUrl: string,
  r: { id: string; cycle_id: string; status: RegistrationStatus },
  sessionId: string | null,
  manageToken: string,
): Promise<{ session: { title: string; startsAt: Date } | null; materials: { title: string; url: string }[] }> {
  const [rows, viewer, session] = await Promise.all([
    repo.ofCycle(db, r.cycle_id),
    viewerOf(db, r),
    sessionId ? repo.session(db, sessionId) : Promise.resolve(undefined),
  ]);
  const materials = rows
    .filter((m) => m.session_id === sessionId && maySee(m, viewer))
    .map((m) => ({ title: m.title, url: urlFor(publicUrl, m, manageToken) }));
  return { session: session ? { title: session.title, startsAt: new Date(session.starts_at) } : null, materials };
}
