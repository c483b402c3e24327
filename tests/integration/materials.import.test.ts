// The start-up import of files an older version left in DATA_DIR/materials: each file a material names
// goes into the database under its key, byte for byte; files named by nothing stay aside; the folder is
// renamed only when every file is in; and running it again (a folder that is back, a file already in
// the database) adds nothing twice.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDiskMaterials } from '../../server/modules/materials/materials.import.ts';
import { CHUNK_BYTES } from '../../server/modules/materials/materials.storage.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { createCycle } from '../helpers/factories.ts';
import { listTree, pdf, storedBytes, storedObjects, tempDataDir } from './materials.support.ts';

let database: TestDatabase;
let dataDir: string;
let cycleId: string;
const lines: string[] = [];
const log = (line: string) => lines.push(line);

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = tempDataDir();
  cycleId = (await createCycle(database.db)).cycle.id;
});
afterAll(async () => {
  await database?.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const folder = () => path.join(dataDir, 'materials');

/** A file in DATA_DIR/materials and, unless `recorded` is false, the material row that names it. */
async function legacyFile(bytes: Buffer, recorded = true) {
  const key = randomBytes(16).toString('hex');
  fs.mkdirSync(folder(), { recursive: true });
  fs.writeFileSync(path.join(folder(), key), bytes);
  if (recorded) {
    await database.db
      .insertInto('materials')
      .values({
        cycle_id: cycleId,
        session_id: null,
        title: 'Dispensa',
        kind: 'file',
        visibility: 'public',
        storage_key: key,
        file_name: 'dispensa.pdf',
        content_type: 'application/pdf',
        size_bytes: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      })
      .execute();
  }
  return { key, bytes };
}

const renamedFolders = () => fs.readdirSync(dataDir).filter((e) => e.startsWith('materials.imported-'));

describe('importing DATA_DIR/materials', () => {
  it('copies every file a material names, byte for byte, leaves the rest aside and renames the folder', async () => {
    const head = await pdf();
    const files = [
      await legacyFile(Buffer.concat([head, randomBytes(600 * 1024)])),
      // Exactly one chunk row, and an empty file: no chunk row at all.
      await legacyFile(Buffer.concat([head, randomBytes(CHUNK_BYTES - head.length)])),
      await legacyFile(Buffer.alloc(0)),
    ];
    const stray = await legacyFile(await pdf('Di un ciclo cancellato'), false);
    fs.writeFileSync(path.join(folder(), `${randomBytes(16).toString('hex')}.part`), 'half');

    const summary = await importDiskMaterials(database.db, dataDir, log);
    expect(summary).toMatchObject({ imported: 3, present: 0, unreferenced: 1, failed: 0 });
    expect(lines).toEqual([]);
    expect(await storedObjects(database.db)).toEqual(files.map((f) => f.key).sort());
    for (const f of files) expect((await storedBytes(database.db, f.key))?.equals(f.bytes)).toBe(true);
    expect(await storedBytes(database.db, stray.key)).toBeNull();
    // Nothing deleted: the whole folder, strays included, under its new name.
    expect(fs.existsSync(folder())).toBe(false);
    expect(renamedFolders()).toHaveLength(1);
    expect(path.basename(summary!.renamedTo!)).toBe(renamedFolders()[0]);
    expect(listTree(summary!.renamedTo!)).toHaveLength(5);
  });

  it('runs once: with no folder it does nothing, and a folder that is back adds only what is missing', async () => {
    expect(await importDiskMaterials(database.db, dataDir, log)).toBeNull();
    const before = await storedObjects(database.db);
    // The same files put back (say, a restored copy), plus one new.
    const old = renamedFolders()[0]!;
    fs.cpSync(path.join(dataDir, old), folder(), { recursive: true });
    const fresh = await legacyFile(await pdf('Nuovo'));
    const summary = await importDiskMaterials(database.db, dataDir, log);
    expect(summary).toMatchObject({ imported: 1, present: 3, unreferenced: 1, failed: 0 });
    expect(await storedObjects(database.db)).toEqual([...before, fresh.key].sort());
    expect(lines).toEqual([]);
  });

  it('keeps the folder when a file can not be read, and says which', async () => {
    const broken = await legacyFile(await pdf('Illeggibile'));
    // A directory where the file should be: reading it fails as a damaged disk would.
    fs.rmSync(path.join(folder(), broken.key));
    fs.mkdirSync(path.join(folder(), broken.key));
    const summary = await importDiskMaterials(database.db, dataDir, log);
    expect(summary).toMatchObject({ imported: 0, failed: 1, renamedTo: null });
    expect(fs.existsSync(folder())).toBe(true);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(broken.key);
    expect(await storedBytes(database.db, broken.key)).toBeNull();
  });
});
