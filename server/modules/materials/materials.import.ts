// Files uploaded before materials moved into PostgreSQL (issue 13) are in DATA_DIR/materials of the node
// that received them. At start-up (server.ts, after the migrations) each file that a material names and
// the database lacks is copied in under the same key, so the material's row stays as it is. Once every
// such file is in, the folder is renamed DATA_DIR/materials.imported-<time>: nothing reads it any more,
// a folder still called "materials" would suggest otherwise, and the next start has nothing to scan.
// It is renamed, not deleted: until the operator's next backup it is the only other copy.
//
// Idempotent: a file already in the database is skipped, a failed file leaves the folder in place and
// the next start tries again; several nodes importing their own folders at once only add what they have.
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import * as repo from './materials.repository.ts';
import { isStorageKey, writeObject } from './materials.storage.ts';
import { hasObject } from './materials.storage.repository.ts';

export interface ImportSummary {
  imported: number;
  /** Already in the database (imported by an earlier start, or by another node from a shared folder). */
  present: number;
  /** Named by no material (left over from a deleted cycle or a crashed upload): left in the folder. */
  unreferenced: number;
  failed: number;
  /** The folder's new name, or null when it stays (something failed). */
  renamedTo: string | null;
}

/** Imports DATA_DIR/materials into the database; null when there is no such folder. */
export async function importDiskMaterials(db: Kysely<Database>, dataDir: string, log: (line: string) => void): Promise<ImportSummary | null> {
  const dir = path.join(dataDir, 'materials');
  if (!fs.existsSync(dir)) return null;
  const summary: ImportSummary = { imported: 0, present: 0, unreferenced: 0, failed: 0, renamedTo: null };
  for (const name of fs.readdirSync(dir).sort()) {
    // Anything else (a crashed upload's .part, a stranger's file) was never a material.
    if (!isStorageKey(name)) continue;
    const row = await repo.findByStorageKey(db, name);
    if (!row) {
      summary.unreferenced++;
      continue;
    }
    if (await hasObject(db, name)) {
      summary.present++;
      continue;
    }
    const file = fs.createReadStream(path.join(dir, name));
    try {
      const stored = await writeObject(db, name, file, Number.POSITIVE_INFINITY);
      summary.imported++;
      if (String(stored.size) !== row.size_bytes || stored.sha256 !== row.sha256) {
        log(`material ${row.id}: the file ${name} on disk differs from what was recorded at upload (size or SHA-256); imported as it is`);
      }
    } catch (err) {
      file.destroy();
      // Another node importing the same file from a shared folder got there first.
      if ((err as { code?: string }).code === '23505') {
        summary.present++;
        continue;
      }
      summary.failed++;
      log(`material ${row.id}: the file ${name} could not be imported: ${(err as Error).message}`);
    }
  }
  if (summary.failed === 0) {
    const target = `${dir}.imported-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    try {
      fs.renameSync(dir, target);
      summary.renamedTo = target;
    } catch (err) {
      // Renamed by another node sharing the folder meanwhile: nothing left to do.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return summary;
}
