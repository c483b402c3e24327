// npm run backup / npm run restore on the real server with its embedded PostgreSQL: every table filled,
// a material uploaded through HTTP, a backup taken while the server runs, DATA_DIR wiped, the archive
// restored: every row of every table, every material byte and the secret key come back. An archive from
// a newer schema is refused before anything is touched.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningEmbeddedUrl, startEmbeddedPostgres } from '../../db/embedded.ts';
import { migrationNames } from '../../db/migrate.ts';
import { request } from '../helpers/http.ts';
import { freePort, killLeftovers, startServer, type ServerProcess } from '../helpers/server-process.ts';
import { multipart, pdf } from './materials.support.ts';
import { alteredArchive, emptyPublicTables, filesUnder, fillTheRest, picture, runCli } from './backup.support.ts';

async function firstCycleId(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ id: string }>(`SELECT id FROM cycles ORDER BY slug LIMIT 1`)).rows[0]!.id;
  } finally {
    await client.end();
  }
}

const ADMIN = { email: 'admin@comune.example.it', password: 'Ripristino-di-prova-2026!' };

let work: string;
let dataDir: string;
let server: ServerProcess | null = null;
let archive: string;
/** Every row of every table, the material files and the key, as the backup must hold them. */
let before: Map<string, string[]>;
let materialsBefore: Map<string, Buffer>;
let keyBefore: Buffer;
let uploaded: Buffer;

// Quiet while idle (MAIL_WORKER=0: no queue runner, no cron), so the rows read before the backup are
// the rows the backup holds.
const serverEnv = async () => ({
  DATA_DIR: dataDir,
  PORT: String(await freePort()),
  DEMO_DATA: '1',
  SERVE_WEB: '0',
  MAIL_WORKER: '0',
  LOG_LEVEL: 'warn',
  ADMIN_EMAIL: ADMIN.email,
  ADMIN_PASSWORD: ADMIN.password,
});

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'officina-backup-'));
  // The embedded PostgreSQL runs as the `postgres` user when the tests run as root.
  fs.chmodSync(work, 0o755);
  dataDir = path.join(work, 'data');
  archive = path.join(work, 'officina.tar.gz');

  // The server with its demo programme, then the app's own activity: a wrong and a right sign-in,
  // an upload; then a row in every table still empty.
  server = await startServer(await serverEnv());
  const running = runningEmbeddedUrl(dataDir);
  if (!running) throw new Error(`no running embedded database found in ${dataDir}`);
  expect((await request(server.base, 'POST', '/api/auth/login', { email: ADMIN.email, password: 'sbagliata-sbagliata' })).status).toBe(401);
  const login = await fetch(`${server.base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  expect(login.status).toBe(200);
  const cookie = login.headers
    .getSetCookie()
    .find((c) => c.startsWith('officina_session='))!
    .split(';')[0]!;
  const csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
  uploaded = await pdf('Slide da salvare e ripristinare');
  const body = multipart({ title: 'Slide', visibility: 'public' }, { filename: 'slide.pdf', content: uploaded });
  const upload = await fetch(`${server.base}/api/admin/cycles/${await firstCycleId(running.url)}/materials`, {
    method: 'POST',
    headers: { ...body.headers, cookie, 'x-csrf-token': csrf },
    body: new Uint8Array(body.payload),
  });
  expect(upload.status, await upload.clone().text()).toBe(201);
  await fillTheRest(running.url);
  before = await picture(running.url);
  materialsBefore = filesUnder(path.join(dataDir, 'materials'));
  keyBefore = fs.readFileSync(path.join(dataDir, 'secret.key'));
});

afterAll(async () => {
  if (server && server.proc.exitCode === null && server.proc.signalCode === null) await server.stop('SIGTERM');
  await killLeftovers(dataDir);
  fs.rmSync(work, { recursive: true, force: true });
});

describe('backup and restore', () => {
  it('has a row in every table of the public schema and the uploaded file in the database', () => {
    expect(emptyPublicTables(before), 'tables of the public schema without a row: teach fillTheRest about them').toEqual([]);
    // Materials live in PostgreSQL (material_chunks, one row per 256 KiB): the small PDF is one chunk.
    expect(before.get('public.material_chunks')!.join('\n')).toContain(uploaded.toString('hex'));
  });

  it('backs up while the server runs, and refuses to restore under it', async () => {
    const made = await runCli('backup', [archive], { DATA_DIR: dataDir });
    expect(made.code, made.stderr).toBe(0);
    expect(fs.statSync(archive).mode & 0o777).toBe(0o600);
    expect((await request(server!.base, 'GET', '/api/health')).status).toBe(200);

    const busy = await runCli('restore', [archive, '--force'], { DATA_DIR: dataDir });
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(/Officina è in esecuzione[^\n]*\n.*Officina is running/);
  });

  it('brings back every row of every table, every material and the key after DATA_DIR is wiped', async () => {
    await server!.stop('SIGTERM');
    server = null;
    fs.rmSync(dataDir, { recursive: true, force: true });

    const restored = await runCli('restore', [archive], { DATA_DIR: dataDir });
    expect(restored.code, restored.stderr).toBe(0);

    const embedded = await startEmbeddedPostgres(dataDir);
    try {
      const after = await picture(embedded.url);
      expect([...after.keys()]).toEqual([...before.keys()]);
      for (const [table, rows] of before) expect(after.get(table), table).toEqual(rows);
    } finally {
      await embedded.stop();
    }
    expect(filesUnder(path.join(dataDir, 'materials'))).toEqual(materialsBefore);
    expect(fs.readFileSync(path.join(dataDir, 'secret.key'))).toEqual(keyBefore);
  });

  it('refuses an archive from a newer schema, in Italian and English, before touching anything', async () => {
    const future = await alteredArchive(archive, work, (m) => {
      m.schemaMigration = '2099-01-01T0000_future';
      m.officina = '9.0.0';
    });
    const fresh = path.join(work, 'fresh');
    const refused = await runCli('restore', [future], { DATA_DIR: fresh });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `L'archivio viene da una versione più recente di Officina (9.0.0, schema 2099-01-01T0000_future); questa arriva allo schema ${migrationNames().at(-1)}`,
    );
    expect(refused.stderr).toMatch(/\nrestore: The archive comes from a newer Officina \(9\.0\.0/);
    // Nothing was created: no database, no files.
    expect(fs.readdirSync(fresh)).toEqual([]);
  });
});
