// What the mail that announces materials lists, read at send time (so a material removed or restricted
// meanwhile is not announced). Who gets it is enqueued by the mail module's notifier (mail.notifier.ts).
import type { RegistrationStatus } from '../../../db/schema.ts';
import type { Executor } from '../../lib/db.ts';
import { maySee, urlFor, viewerOf } from './materials.access.ts';
import * as repo from './materials.repository.ts';

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
