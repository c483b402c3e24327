// npm run backup / npm run restore against DATABASE_URL: Debian's PostgreSQL 15 (a throw-away cluster),
// whose own pg_dump has nothing to do with it. The key is external (SECRET_KEY), so the archive says so
// and the restore reminds of it; a database in use or holding rows is refused; --force replaces it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tar from 'tar';
import { startCluster, type Cluster } from '../helpers/pg-cluster.ts';
import { freePort, startServer, type ServerProcess } from '../helpers/server-process.ts';
import { fillTheRest, picture, runCli } from './backup.support.ts';

let cluster: Cluster;
let work: string;
let server: ServerProcess | null = null;
let archive: string;
let before: Map<string, string[]>;
const ADMIN = { ADMIN_EMAIL: 'admin@comune.example.it', ADMIN_PASSWORD: 'Ripristino-di-prova-2026!' };
const SECRET_KEY = 'una-chiave-esterna-lunga-almeno-32-caratteri';

beforeAll(async () => {
  cluster = await startCluster('officina_backup');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'officina-backup-ext-'));
  archive = path.join(work, 'officina.tar.gz');
  server = await startServer({ ...env(), PORT: String(await freePort()), DEMO_DATA: '1', SERVE_WEB: '0', MAIL_WORKER: '0', LOG_LEVEL: 'warn', ...ADMIN });
  await fillTheRest(cluster.url);
  before = await picture(cluster.url);
});

const env = () => ({ DATABASE_URL: cluster.url, DATA_DIR: path.join(work, 'data'), SECRET_KEY });

afterAll(async () => {
  if (server && server.proc.exitCode === null && server.proc.signalCode === null) await server.stop('SIGTERM');
  await cluster?.destroy();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('backup and restore with DATABASE_URL (PostgreSQL 15)', () => {
  it('backs up while the server runs, without the external key, and refuses to restore under it', async () => {
    const made = await runCli('backup', [archive], env());
    expect(made.code, made.stderr).toBe(0);
    const names: string[] = [];
    await tar.t({ file: archive, onReadEntry: (e) => names.push(e.path) });
    expect(names).toContain('manifest.json');
    expect(names).not.toContain('secret.key');

    const inUse = await runCli('restore', [archive, '--force'], env());
    expect(inUse.code).toBe(1);
    expect(inUse.stderr).toMatch(/Il database è in uso[^\n]*\n.*The database is in use/);
  });

  it('refuses a database that holds rows without --force', async () => {
    await server!.stop('SIGTERM');
    server = null;
    const notEmpty = await runCli('restore', [archive], env());
    expect(notEmpty.code).toBe(1);
    expect(notEmpty.stderr).toMatch(/Il database non è vuoto[^\n]*--force[^\n]*\n.*The database is not empty/);
  });

  it('replaces everything with --force, reminding of the external key', async () => {
    // What --force must undo: rows changed and removed after the backup.
    const client = new pg.Client({ connectionString: cluster.url });
    await client.connect();
    await client.query(`UPDATE cycles SET title = 'Cambiato dopo il backup'`);
    await client.query(`DELETE FROM attendance`);
    await client.end();

    const forced = await runCli('restore', [archive, '--force'], env());
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/esterna \(SECRET_KEY\)[^\n]*\n.*external \(SECRET_KEY\)/);
    const after = await picture(cluster.url);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [table, rows] of before) expect(after.get(table), table).toEqual(rows);
  });
});
