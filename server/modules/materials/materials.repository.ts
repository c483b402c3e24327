// Every SQL statement about materials and who may see them. Executor first.
import { sql } from 'kysely';
import type { MaterialKind, MaterialVisibility } from '../../../db/schema.ts';
import type { Executor } from '../../lib/db.ts';

export interface NewMaterial {
  cycleId: string;
  sessionId: string | null;
  title: string;
  kind: MaterialKind;
  visibility: MaterialVisibility;
  file: { storageKey: string; fileName: string; contentType: string; size: number; sha256: string } | null;
  url: string | null;
  createdBy: string | null;
  now: Date;
}

export async function insert(db: Executor, m: NewMaterial) {
  return db
    .insertInto('materials')
    .values({
      cycle_id: m.cycleId,
      session_id: m.sessionId,
      title: m.title,
      kind: m.kind,
      visibility: m.visibility,
      storage_key: m.file?.storageKey ?? null,
      file_name: m.file?.fileName ?? null,
      content_type: m.file?.contentType ?? null,
      size_bytes: m.file?.size ?? null,
      sha256: m.file?.sha256 ?? null,
      url: m.url,
      created_by: m.createdBy,
      created_at: m.now,
      updated_at: m.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export type MaterialRow = Awaited<ReturnType<typeof insert>>;

export async function findById(db: Executor, id: string) {
  return db.selectFrom('materials').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The material with whether its cycle is published (public downloads need both). */
export async function findWithPublication(db: Executor, id: string) {
  return db
    .selectFrom('materials as m')
    .innerJoin('cycles as c', 'c.id', 'm.cycle_id')
    .selectAll('m')
    .select('c.publication')
    .where('m.id', '=', id)
    .executeTakeFirst();
}

export async function ofCycle(db: Executor, cycleId: string) {
  return (
    db
      .selectFrom('materials as m')
      .leftJoin('sessions as s', 's.id', 'm.session_id')
      .selectAll('m')
      // Materials of the whole cycle first, then by meeting, then in upload order.
      .orderBy(sql`s.starts_at NULLS FIRST`)
      .orderBy('m.created_at')
      .orderBy('m.id')
      .where('m.cycle_id', '=', cycleId)
      .execute()
  );
}

/** The material whose file has this storage key, with what was recorded at upload (the import checks it). */
export async function findByStorageKey(db: Executor, storageKey: string) {
  return db.selectFrom('materials').select(['id', 'size_bytes', 'sha256']).where('storage_key', '=', storageKey).executeTakeFirst();
}

export async function update(db: Executor, id: string, patch: { title?: string; visibility?: MaterialVisibility }, now: Date) {
  return db
    .updateTable('materials')
    .set({ ...patch, updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function remove(db: Executor, id: string) {
  return db.deleteFrom('materials').where('id', '=', id).returning(['id', 'storage_key']).executeTakeFirst();
}

export async function countDownload(db: Executor, id: string) {
  await db
    .updateTable('materials')
    .set((eb) => ({ download_count: eb('download_count', '+', 1) }))
    .where('id', '=', id)
    .execute();
}

export async function cycleOf(db: Executor, id: string): Promise<string | null> {
  const row = await db.selectFrom('materials').select('cycle_id').where('id', '=', id).executeTakeFirst();
  return row?.cycle_id ?? null;
}

/** The sessions of its own cycle at which a registration was marked present. */
export async function presentAt(db: Executor, registrationId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('attendance as a')
    .innerJoin('registrations as r', 'r.id', 'a.registration_id')
    .innerJoin('sessions as s', (j) => j.onRef('s.id', '=', 'a.session_id').onRef('s.cycle_id', '=', 'r.cycle_id'))
    .select('a.session_id')
    .where('a.registration_id', '=', registrationId)
    .where('a.present', '=', true)
    .execute();
  return new Set(rows.map((r) => r.session_id));
}

export async function session(db: Executor, id: string) {
  return db.selectFrom('sessions').select(['id', 'cycle_id', 'title', 'starts_at']).where('id', '=', id).executeTakeFirst();
}
