// Who may see a material, and the address each viewer gets for it. One rule, used by every download
// path, by the lists on "my registration" and on the cycle's page, and by the mail that announces them:
//   public      everyone (the cycle must be published for the public address)
//   registered  a confirmed registration of the material's cycle
//   attended    a confirmed registration marked present at the material's session, or at any session
//               of the cycle for a material of the whole cycle
// Waitlisted and cancelled registrations, and registrations of other cycles, see only public ones.
import type { MaterialVisibility, RegistrationStatus } from '../../../db/schema.ts';
import type { Executor } from '../../lib/db.ts';
import type { MaterialView } from './materials.schemas.ts';
import * as repo from './materials.repository.ts';
import type { MaterialRow } from './materials.repository.ts';

export interface Viewer {
  registrationId: string;
  cycleId: string;
  status: RegistrationStatus;
  /** Sessions of the viewer's cycle at which they were marked present. */
  presentAt: ReadonlySet<string>;
}

type Guarded = Pick<MaterialRow, 'cycle_id' | 'session_id'> & { visibility: MaterialVisibility };

export function maySee(m: Guarded, viewer: Viewer | null): boolean {
  if (m.visibility === 'public') return true;
  if (!viewer || viewer.cycleId !== m.cycle_id || viewer.status !== 'confirmed') return false;
  if (m.visibility === 'registered') return true;
  return m.session_id ? viewer.presentAt.has(m.session_id) : viewer.presentAt.size > 0;
}

export async function viewerOf(db: Executor, r: { id: string; cycle_id: string; status: RegistrationStatus }): Promise<Viewer> {
  return { registrationId: r.id, cycleId: r.cycle_id, status: r.status, presentAt: await repo.presentAt(db, r.id) };
}

export const publicDownloadUrl = (publicUrl: string, id: string) => `${publicUrl}/api/materials/${id}/download`;
export const tokenDownloadUrl = (publicUrl: string, token: string, id: string) => `${publicUrl}/api/registrations/${token}/materials/${id}/download`;
export const adminDownloadUrl = (publicUrl: string, id: string) => `${publicUrl}/api/admin/materials/${id}/download`;

/**
 * The address this viewer uses: public materials have one address for everybody (it can be shared);
 * the others go through the viewer's own token, so the right is checked again at every download.
 */
export function urlFor(publicUrl: string, m: Pick<MaterialRow, 'id' | 'visibility'>, manageToken: string | null): string {
  return m.visibility === 'public' || !manageToken ? publicDownloadUrl(publicUrl, m.id) : tokenDownloadUrl(publicUrl, manageToken, m.id);
}

export function toView(m: MaterialRow, url: string): MaterialView {
  return {
    id: m.id,
    title: m.title,
    kind: m.kind,
    visibility: m.visibility,
    sessionId: m.session_id,
    url,
    fileName: m.file_name,
    contentType: m.content_type,
    size: m.size_bytes === null ? null : Number(m.size_bytes),
    createdAt: new Date(m.created_at).toISOString(),
  };
}

/** What a registration may see of its cycle's materials, with the addresses for that person. */
export async function materialsForRegistration(
  db: Executor,
  publicUrl: string,
  r: { id: string; cycle_id: string; status: RegistrationStatus },
  manageToken: string,
): Promise<MaterialView[]> {
  const [rows, viewer] = await Promise.all([repo.ofCycle(db, r.cycle_id), viewerOf(db, r)]);
  return rows.filter((m) => maySee(m, viewer)).map((m) => toView(m, urlFor(publicUrl, m, manageToken)));
}

/** The public materials of a cycle (its public page). */
export async function publicMaterials(db: Executor, publicUrl: string, cycleId: string): Promise<MaterialView[]> {
  const rows = await repo.ofCycle(db, cycleId);
  return rows.filter((m) => m.visibility === 'public').map((m) => toView(m, publicDownloadUrl(publicUrl, m.id)));
}
