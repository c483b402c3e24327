// One archive (.tar.gz) holding everything an Officina needs to come back: the database (every table
// of both schemas, from one snapshot), the files under DATA_DIR/materials, the secret key the links
// derive from, and manifest.json saying which code and schema versions made it.
//
// Backup stages the parts in a temporary folder beside the archive and packs them; the archive appears
// under its name only when complete. Restore unpacks into a folder inside DATA_DIR, checks the versions
// before it changes anything, brings the empty database to the archive's schema with our migrator,
// copies the rows back, then moves the files and the key into place.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMigrations } from 'graphile-worker';
import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import * as tar from 'tar';
import { migrateTo, migrationNames } from '../../../db/migrate.ts';
import type { Config } from '../../config.ts';
import { migrateQueue, workerLogger } from '../../jobs/jobs.migrate.ts';
import { connectForBackup, connectForRestore } from './backup.connect.ts';
import {
  databaseHasRows,
  dropSchema,
  dumpDatabase,
  emptySchemas,
  queueRevisionIn,
  restoreDatabase,
  schemaVersions,
  type DatabaseDump,
} from './backup.repository.ts';
import { msg, type Message } from '../../lib/i18n.ts';
import { BackupError } from './backup.errors.ts';

const ARCHIVE_FORMAT = 1;

export interface Manifest extends DatabaseDump {
  format: number;
  officina: string;
  createdAt: string;
  /** "file": secret.key is in the archive; "external": SECRET_KEY was set; "none": neither existed. */
  secretKey: 'file' | 'external' | 'none';
  materials: { files: number; bytes: number };
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function officinaVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

const materialsDir = (config: Config) => path.join(config.dataDir, 'materials');
const keyFile = (config: Config) => path.join(config.dataDir, 'secret.key');

/**
 * Links (or, across file systems, copies) every finished file of the materials folder into `into`:
 * a link keeps the bytes even if the material is deleted a moment later. Unfinished uploads (.part)
 * are left out.
 */
async function stageMaterials(from: string, into: string): Promise<Manifest['materials']> {
  let names: string[];
  try {
    names = await fs.promises.readdir(from);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { files: 0, bytes: 0 };
    throw err;
  }
  await fs.promises.mkdir(into, { recursive: true });
  let files = 0;
  let bytes = 0;
  for (const name of names) {
    if (name.endsWith('.part')) continue;
    const source = path.join(from, name);
    const stat = await fs.promises.stat(source).catch(() => null);
    if (!stat?.isFile()) continue;
    try {
      await fs.promises.link(source, path.join(into, name));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue; // deleted meanwhile
      if (code !== 'EXDEV' && code !== 'EPERM') throw err;
      await fs.promises.copyFile(source, path.join(into, name));
    }
    files += 1;
    bytes += stat.size;
  }
  return { files, bytes };
}

export async function backup(config: Config, file: string): Promise<Manifest> {
  const target = path.resolve(file);
  const stage = await fs.promises.mkdtemp(path.join(path.dirname(target), '.officina-backup-'));
  const partial = `${target}.${randomBytes(4).toString('hex')}.part`;
  let conn: Awaited<ReturnType<typeof connectForBackup>> | null = null;
  try {
    conn = await connectForBackup(config);
    const client = await conn.pool.connect();
    let materials: Manifest['materials'] = { files: 0, bytes: 0 };
    let dump: DatabaseDump;
    try {
      // The files are taken while the snapshot is open: every material row in it was committed after
      // its file was complete, so its file is there now.
      dump = await dumpDatabase(client, stage, async () => {
        materials = await stageMaterials(materialsDir(config), path.join(stage, 'materials'));
      });
    } finally {
      client.release();
    }
    let secretKey: Manifest['secretKey'] = 'none';
    if (config.secretKey) secretKey = 'external';
    else if (fs.existsSync(keyFile(config))) {
      await fs.promises.copyFile(keyFile(config), path.join(stage, 'secret.key'));
      secretKey = 'file';
    }
    const manifest: Manifest = {
      format: ARCHIVE_FORMAT,
      officina: officinaVersion(),
      createdAt: new Date().toISOString(),
      ...dump,
      secretKey,
      materials,
    };
    await fs.promises.writeFile(path.join(stage, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    const entries = (await fs.promises.readdir(stage)).sort((a, b) => (a === 'manifest.json' ? -1 : b === 'manifest.json' ? 1 : a.localeCompare(b)));
    // Created empty with mode 600 first: personal data is never readable by others, not even half-written.
    await fs.promises.writeFile(partial, '', { mode: 0o600, flag: 'wx' });
    await tar.c({ gzip: true, file: partial, cwd: stage, portable: true }, entries);
    await fs.promises.rename(partial, target);
    return manifest;
  } finally {
    await conn?.close();
    await fs.promises.rm(stage, { recursive: true, force: true });
    await fs.promises.rm(partial, { force: true });
  }
}

export interface RestoreResult {
  manifest: Manifest;
  /** What the operator must know: an external key to set again, an older schema to be migrated. */
  notes: Message[];
}

/** Refuses an archive this code can't restore, before anything is changed. */
function checkVersions(manifest: Manifest): void {
  if (manifest.format !== ARCHIVE_FORMAT) {
    throw new BackupError(msg('backup_unknown_format', { format: manifest.format, supported: ARCHIVE_FORMAT }));
  }
  const names = migrationNames();
  const latest = names[names.length - 1]!;
  const schema = manifest.schemaMigration;
  if (schema === null || !names.includes(schema)) {
    const newer = schema !== null && schema > latest;
    throw new BackupError(
      newer
        ? msg('backup_schema_newer', { officina: manifest.officina, schema, latest })
        : msg('backup_schema_unknown', { schema: schema ?? msg('backup_no_schema'), officina: manifest.officina }),
    );
  }
}

/**
 * The mail queue's schema belongs to graphile-worker, which can only migrate to its latest revision: the
 * archive's queue rows fit only the very revision this code installs.
 */
function checkQueueVersion(manifest: Manifest, installed: number | null): void {
  if (manifest.queueMigration === null || installed === manifest.queueMigration) return;
  const newer = installed === null || manifest.queueMigration > installed;
  throw new BackupError(
    msg(newer ? 'backup_queue_newer' : 'backup_queue_older', { archived: manifest.queueMigration, installed: String(installed), officina: manifest.officina }),
  );
}

/**
 * The graphile-worker revision this code installs, read by migrating a throw-away schema: asked before a
 * database with rows is emptied, so a refusal leaves it as it was.
 */
async function installedQueueVersion(pool: pg.Pool): Promise<number> {
  const probe = `officina_restore_probe_${randomBytes(4).toString('hex')}`;
  try {
    await runMigrations({ pgPool: pool, schema: probe, logger: workerLogger() });
    return await queueRevisionIn(pool, probe);
  } finally {
    await dropSchema(pool, probe);
  }
}

async function readManifest(dir: string): Promise<Manifest> {
  try {
    return JSON.parse(await fs.promises.readFile(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
  } catch (err) {
    throw new BackupError(msg('backup_no_manifest', { reason: (err as Error).message }));
  }
}

export async function restore(config: Config, file: string, opts: { force: boolean }): Promise<RestoreResult> {
  const source = path.resolve(file);
  if (!fs.existsSync(source)) throw new BackupError(msg('backup_archive_missing', { path: source }));
  await fs.promises.mkdir(config.dataDir, { recursive: true });
  // Inside DATA_DIR, so the materials folder can be renamed into place.
  const stage = await fs.promises.mkdtemp(path.join(config.dataDir, '.restore-'));
  try {
    await tar.x({ file: source, cwd: stage, strict: true });
    const manifest = await readManifest(stage);
    checkVersions(manifest);

    const conn = await connectForRestore(config);
    try {
      const hasRows = await databaseHasRows(conn.pool);
      if (hasRows && !opts.force) {
        throw new BackupError(msg('backup_database_not_empty'));
      }
      if (hasRows) checkQueueVersion(manifest, await installedQueueVersion(conn.pool));
      await emptySchemas(conn.pool);
      const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: conn.pool }) });
      await migrateTo(db, manifest.schemaMigration!);
      await migrateQueue({ pgPool: conn.pool });
      const restoring = await conn.pool.connect();
      try {
        const now = await schemaVersions(restoring);
        if (now.schemaMigration !== manifest.schemaMigration) throw new Error(`migrated to ${now.schemaMigration}, not ${manifest.schemaMigration}`);
        try {
          checkQueueVersion(manifest, now.queueMigration);
        } catch (err) {
          // The database was empty: leave it so.
          await emptySchemas(conn.pool);
          throw err;
        }
        await restoreDatabase(restoring, stage, manifest);
      } finally {
        restoring.release();
      }
    } finally {
      await conn.close();
    }

    // The files: the archive's materials folder replaces the current one whole.
    const materials = materialsDir(config);
    await fs.promises.rm(materials, { recursive: true, force: true });
    if (fs.existsSync(path.join(stage, 'materials'))) await fs.promises.rename(path.join(stage, 'materials'), materials);
    const notes: RestoreResult['notes'] = [];
    if (manifest.secretKey === 'file') {
      await fs.promises.copyFile(path.join(stage, 'secret.key'), keyFile(config));
      await fs.promises.chmod(keyFile(config), 0o600);
      if (config.secretKey) {
        notes.push(msg('backup_note_secret_key_overrides'));
      }
    } else if (manifest.secretKey === 'external') {
      notes.push(msg('backup_note_secret_key_external'));
    }
    if (manifest.schemaMigration !== migrationNames().at(-1)) {
      notes.push(msg('backup_note_schema_older', { schema: String(manifest.schemaMigration) }));
    }
    return { manifest, notes };
  } finally {
    await fs.promises.rm(stage, { recursive: true, force: true });
  }
}
