// The mail that announces materials: who gets it (enqueued in the upload's transaction) and what it
// lists (read at send time, so a material removed or restricted meanwhile is not announced).
//
// One job per person and meeting, keyed by both and scheduled a few minutes ahead: the slides, the
// e-book and the recording uploaded one after another after a meeting replace the pending job instead of
// adding one, and make one mail listing them all. The payload names the newest material, which makes
// the send log's key new for every batch (mail.jobs.ts dedupeKey).
import { sql } from 'kysely';
import type { RegistrationStatus } from '../../../db/schema.ts';
import type { Executor } from '../cycles/cycles.repository.ts';
import { MAIL_MAX_ATTEMPTS, MAIL_TASK, PRIORITY } from '../mail/mail.jobs.ts';
import { maySee, urlFor, viewerOf } from './materials.access.ts';
import * as repo from './materials.repository.ts';

/** How long uploads are gathered before the announcement goes out. */
export const MATERIALS_MAIL_DELAY_MS = 10 * 60_000;

/** Enqueues the announcement for every confirmed registration that may see the material. */
export async function enqueueMaterialMails(trx: Executor, materialId: string, now: Date): Promise<number> {
  const runAt = new Date(now.getTime() + MATERIALS_MAIL_DELAY_MS);
  const result = await sql<{ n: string }>`
    WITH m AS (SELECT id, cycle_id, session_id, visibility FROM materials WHERE id = ${materialId}::uuid),
    added AS (
      SELECT graphile_worker.add_job(${MAIL_TASK}::text,
               payload => json_build_object('kind', 'materials-available', 'registrationId', r.id, 'cycleId', m.cycle_id,
                                            'sessionId', m.session_id, 'materialId', m.id),
               run_at => ${runAt}::timestamptz,
               max_attempts => ${MAIL_MAX_ATTEMPTS}::int,
               job_key => 'mail:materials-available:' || coalesce(m.session_id::text, 'cycle-' || m.cycle_id::text) || ':' || r.id,
               priority => ${PRIORITY.bulk}::int,
               job_key_mode => 'replace')
        FROM m JOIN registrations r ON r.cycle_id = m.cycle_id
       WHERE r.status = 'confirmed' AND r.anonymised_at IS NULL
         AND (m.visibility IN ('public', 'registered')
              OR EXISTS (SELECT 1 FROM attendance a JOIN sessions s ON s.id = a.session_id
                          WHERE a.registration_id = r.id AND a.present AND s.cycle_id = m.cycle_id
                            AND (m.session_id IS NULL OR a.session_id = m.session_id))))
    SELECT count(*) AS n FROM added`.execute(trx);
  return Number(result.rows[0]!.n);
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
