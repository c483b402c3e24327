// Every SQL statement of the database storage of materials' files (materials.storage.ts): the object
// rows (material_objects) and their bytes, 256 KiB a row (material_chunks). Executor first.
import { sql } from 'kysely';
import type { Executor } from '../../lib/db.ts';

export async function insertChunk(trx: Executor, key: string, n: number, data: Buffer) {
  await trx.insertInto('material_chunks').values({ key, n, data }).execute();
}

export async function chunk(db: Executor, key: string, n: number) {
  return db.selectFrom('material_chunks').select('data').where('key', '=', key).where('n', '=', n).executeTakeFirst();
}

/** Hands the space of deleted chunks back to PostgreSQL (a plain VACUUM: no lock that blocks readers). */
export async function vacuumChunks(db: Executor) {
  await sql`VACUUM material_chunks`.execute(db);
}

export async function insertObject(trx: Executor, o: { key: string; size: number; sha256: string; chunks: number }) {
  await trx.insertInto('material_objects').values({ key: o.key, size_bytes: o.size, sha256: o.sha256, chunks: o.chunks }).execute();
}

export async function findObject(db: Executor, key: string) {
  return db.selectFrom('material_objects').select(['size_bytes', 'chunks']).where('key', '=', key).executeTakeFirst();
}

export async function deleteObject(db: Executor, key: string) {
  await db.deleteFrom('material_objects').where('key', '=', key).execute();
}

/** Whether the object is stored whole (the import skips those). */
export async function hasObject(db: Executor, key: string): Promise<boolean> {
  return (await db.selectFrom('material_objects').select('key').where('key', '=', key).executeTakeFirst()) !== undefined;
}
