// Materials: organisers upload files or add links to a meeting or to the whole cycle; participants
// download them through addresses that check their right at every request (materials.access.ts).
//
// An upload streams to the storage under a random name with the size limit enforced on the way, then
// its type is read from the content and checked against the allow-list; only then is the row written,
// and the announcement mails enqueued in that same transaction. Whatever fails after the bytes were
// stored removes them again.
import type { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import { isDatabaseUnavailable } from '../../lib/db-faults.ts';
import { inTransaction } from '../../lib/db-retry.ts';
import { AppError } from '../../lib/errors.ts';
import { msg } from '../../lib/i18n.ts';
import { hashToken, isWellFormedToken } from '../../lib/tokens.ts';
import { silentNotifier, type Notifier } from '../notifications/notifications.service.ts';
import * as registrationsRepo from '../registrations/registrations.repository.ts';
import { adminDownloadUrl, maySee, publicMaterials, toView, viewerOf } from './materials.access.ts';
import { materialErrors } from './materials.errors.ts';
import { detectAllowedType, safeFileName } from './materials.files.ts';
import * as repo from './materials.repository.ts';
import type { MaterialRow } from './materials.repository.ts';
import {
  FileMaterialFields,
  type AdminMaterialView,
  type CreatedMaterialView,
  type LinkMaterialInput,
  type MaterialPatch,
  type MaterialView,
} from './materials.schemas.ts';
import { StorageFullError, UploadTooLargeError, type MaterialStorage, type StoredObject } from './materials.storage.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);

/** One part of a multipart body, as @fastify/multipart yields it (only what is used here). */
export interface UploadPart {
  type: 'file' | 'field';
  fieldname: string;
  filename?: string;
  file?: Readable;
  value?: unknown;
}

/** Where a material belongs: a cycle, and a session of it or null for the whole cycle. */
export interface MaterialTarget {
  cycleId: string;
  sessionId: string | null;
}

export type Download = { kind: 'file'; stream: Readable; size: number; contentType: string; fileName: string } | { kind: 'link'; url: string };

export interface MaterialsDeps {
  db: Kysely<Database>;
  storage: MaterialStorage;
  publicUrl: string;
  maxUploadBytes: number;
  notifier?: Notifier;
  clock?: () => Date;
}

/** Errors the multipart parser raises, in the contract's terms. */
function translate(err: unknown, maxBytes: number, whileReading: boolean): unknown {
  if (err instanceof UploadTooLargeError) return materialErrors.tooLarge(maxBytes);
  if (err instanceof StorageFullError) return materialErrors.storageFull();
  const code = (err as { code?: unknown })?.code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return materialErrors.tooLarge(maxBytes);
  if (code === 'FST_FILES_LIMIT') return materialErrors.invalid('file', msg('material_one_file'));
  if (code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') {
    return materialErrors.invalid('body', msg('material_invalid_multipart'));
  }
  // The database down or busy while the chunks were written: the contract's 503, as anywhere else.
  if (err instanceof AppError || !whileReading || isDatabaseUnavailable(err as Error)) return err;
  // Any other system call that failed (I/O error) or statement the database refused is ours: a 500. Anything
  // else raised while the body was read (a truncated form, no boundary, the client going away) is the request's fault.
  if (err instanceof Error && (typeof (err as NodeJS.ErrnoException).syscall === 'string' || 'severity' in err)) return err;
  return materialErrors.invalid('body', msg('material_incomplete_multipart'));
}

export function materialsService(deps: MaterialsDeps) {
  const { db, storage, publicUrl, maxUploadBytes } = deps;
  const clock = deps.clock ?? (() => new Date());
  const notifier = deps.notifier ?? silentNotifier;

  function adminView(m: MaterialRow): AdminMaterialView {
    return {
      ...toView(m, adminDownloadUrl(publicUrl, m.id)),
      cycleId: m.cycle_id,
      sha256: m.sha256,
      target: m.url,
      downloads: m.download_count,
      createdBy: m.created_by,
      updatedAt: new Date(m.updated_at).toISOString(),
    };
  }

  async function checkTarget(target: MaterialTarget) {
    if (target.sessionId === null) return;
    const s = isUuid(target.sessionId) ? await repo.session(db, target.sessionId) : undefined;
    if (!s || s.cycle_id !== target.cycleId) throw materialErrors.notFound();
  }

  /** Writes the row and enqueues the announcements in one transaction; says who gets them and when. */
  async function create(values: Omit<repo.NewMaterial, 'now'>): Promise<CreatedMaterialView> {
    const { row, announcement } = await inTransaction(db, async (trx) => {
      const inserted = await repo.insert(trx, { ...values, now: clock() });
      return { row: inserted, announcement: await notifier.materialsPublished(trx, inserted.id) };
    });
    return { ...adminView(row), announcement: { recipients: announcement.recipients, sendAt: announcement.sendAt?.toISOString() ?? null } };
  }

  async function deliver(m: MaterialRow, count: boolean): Promise<Download> {
    if (m.kind === 'link') {
      if (count) await repo.countDownload(db, m.id);
      return { kind: 'link', url: m.url! };
    }
    const object = await storage.get(m.storage_key!);
    if (!object) throw materialErrors.notFound();
    if (count) await repo.countDownload(db, m.id);
    return { kind: 'file', stream: object.stream, size: object.size, contentType: m.content_type!, fileName: m.file_name! };
  }

  return {
    /** Early refusal of a body that announces more than the limit allows (plus room for the form). */
    checkDeclaredLength(contentLength: string | undefined) {
      const n = Number(contentLength);
      if (Number.isFinite(n) && n > maxUploadBytes + 64 * 1024) throw materialErrors.tooLarge(maxUploadBytes);
    },

    async uploadFile(target: MaterialTarget, parts: AsyncIterable<UploadPart>, accountId: string | null): Promise<CreatedMaterialView> {
      await checkTarget(target);
      const fields: Record<string, string> = {};
      let stored: StoredObject | null = null;
      let originalName: string | undefined;
      let reading = true;
      try {
        for await (const part of parts) {
          if (part.type === 'file') {
            if (part.fieldname !== 'file' || !part.file) {
              part.file?.resume();
              throw materialErrors.invalid(part.fieldname, msg('material_unexpected_field'));
            }
            originalName = part.filename;
            stored = await storage.put(part.file, { maxBytes: maxUploadBytes });
          } else if ((part.fieldname === 'title' || part.fieldname === 'visibility') && typeof part.value === 'string') {
            fields[part.fieldname] = part.value;
          }
        }
        reading = false;
        if (!stored) throw materialErrors.invalid('file', msg('field_required'));
        const parsed = FileMaterialFields.safeParse(fields);
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!;
          throw materialErrors.invalid(issue.path.join('.') || 'body', issue.message);
        }
        const object = await storage.get(stored.key);
        const type = object ? await detectAllowedType(object.stream) : null;
        if (!type) throw materialErrors.unsupportedType();
        const fileName = safeFileName(originalName, type);
        const title = parsed.data.title ?? ([...fileName.slice(0, fileName.lastIndexOf('.'))].slice(0, 200).join('') || fileName);
        return await create({
          cycleId: target.cycleId,
          sessionId: target.sessionId,
          title,
          kind: 'file',
          visibility: parsed.data.visibility,
          file: { storageKey: stored.key, fileName, contentType: type.mime, size: stored.size, sha256: stored.sha256 },
          url: null,
          createdBy: accountId,
        });
      } catch (err) {
        if (stored) await storage.delete(stored.key).catch(() => undefined);
        throw translate(err, maxUploadBytes, reading);
      }
    },

    async addLink(target: MaterialTarget, input: LinkMaterialInput, accountId: string | null): Promise<CreatedMaterialView> {
      await checkTarget(target);
      return create({
        cycleId: target.cycleId,
        sessionId: target.sessionId,
        title: input.title,
        kind: 'link',
        visibility: input.visibility,
        file: null,
        url: input.url,
        createdBy: accountId,
      });
    },

    async listForOrganisers(cycleId: string): Promise<AdminMaterialView[]> {
      return (await repo.ofCycle(db, cycleId)).map(adminView);
    },

    async patch(id: string, patch: MaterialPatch): Promise<AdminMaterialView> {
      const row = isUuid(id) ? await repo.update(db, id, patch, clock()) : undefined;
      if (!row) throw materialErrors.notFound();
      return adminView(row);
    },

    /** Removes the row, then the bytes (a failed file removal leaves an orphan, never a broken row). */
    async remove(id: string): Promise<void> {
      const gone = isUuid(id) ? await repo.remove(db, id) : undefined;
      if (!gone) throw materialErrors.notFound();
      if (gone.storage_key) await storage.delete(gone.storage_key);
    },

    /** The public address: public materials of published cycles; 404 for anything else. */
    async publicDownload(id: string): Promise<Download> {
      const m = isUuid(id) ? await repo.findWithPublication(db, id) : undefined;
      if (!m || m.visibility !== 'public' || m.publication !== 'published') throw materialErrors.notFound();
      return deliver(m, true);
    },

    /** Through a participant's token: materials of that registration's cycle it may see; 404 otherwise. */
    async tokenDownload(token: string, id: string): Promise<Download> {
      if (!isWellFormedToken(token) || !isUuid(id)) throw materialErrors.notFound();
      const [r, m] = await Promise.all([registrationsRepo.findByTokenHash(db, hashToken(token)), repo.findById(db, id)]);
      if (!r || !m || m.cycle_id !== r.cycle_id) throw materialErrors.notFound();
      if (!maySee(m, await viewerOf(db, r))) throw materialErrors.notFound();
      return deliver(m, true);
    },

    /** For organisers (the route's access rule has checked the cycle); not counted as a download. */
    async organiserDownload(id: string): Promise<Download> {
      const m = isUuid(id) ? await repo.findById(db, id) : undefined;
      if (!m) throw materialErrors.notFound();
      return deliver(m, false);
    },

    /** The cycle a material belongs to, for the admin routes' access rule. */
    async cycleOf(id: string): Promise<string | null> {
      return isUuid(id) ? repo.cycleOf(db, id) : null;
    },

    publicOfCycle: (cycleId: string): Promise<MaterialView[]> => publicMaterials(db, publicUrl, cycleId),
  };
}

export type MaterialsService = ReturnType<typeof materialsService>;
