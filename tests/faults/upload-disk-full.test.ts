// A full disk while an organiser uploads is an expected fault, not a bug: the answer is the contract's
// 507 naming the problem (in the request's language), the half-written chunks are gone, no material row
// is left behind, and once there is a little room again the space the failed uploads took is free too.
// Materials live in PostgreSQL, so the chunk table of this test's database is moved to a tablespace on
// a real 1 MB tmpfs (we run as root here and in CI): the 53100 disk_full comes from PostgreSQL failing
// to extend a file, not from a stub.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { assign, signedIn, type Session } from '../helpers/auth.ts';
import { adminUrl } from '../helpers/database.ts';
import { createCycle } from '../helpers/factories.ts';
import { expectErrorShape, listen } from '../helpers/http.ts';
import { multipart, pdf, storedBytes, storedObjects, tempDataDir } from '../integration/materials.support.ts';

const MB = 1024 * 1024;

let t: TestApp;
let dataDir: string;
let spaceDir: string;
let mounted = false;
let tablespace: string | null = null;
let org: Session;
let sessionId: string;
let base: string;

/** A statement on the cluster as its superuser (tablespaces belong to the cluster, not a database). */
async function onCluster(text: string): Promise<pg.QueryResult> {
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    return await admin.query(text);
  } finally {
    await admin.end();
  }
}

beforeAll(async () => {
  // The size limit (5 MB) is above the free space: the storage, not the limit, refuses the file.
  t = await buildTestApp({ env: { DATA_DIR: (dataDir = tempDataDir()), MAX_UPLOAD_MB: '5' } });
  // The tablespace's folder must belong to the user PostgreSQL runs as (the owner of its data directory).
  const { rows } = await onCluster(`SELECT current_setting('data_directory') AS dir`);
  const owner = fs.statSync(rows[0].dir as string);
  fs.chmodSync(dataDir, 0o755);
  spaceDir = path.join(dataDir, 'tablespace');
  fs.mkdirSync(spaceDir);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', spaceDir]);
  mounted = true;
  fs.chownSync(spaceDir, owner.uid, owner.gid);
  tablespace = `full_${randomBytes(4).toString('hex')}`;
  await onCluster(`CREATE TABLESPACE ${tablespace} LOCATION '${spaceDir}'`);
  // The table and its TOAST table (where the chunks' bytes are) move; its indexes stay where they are.
  await sql`ALTER TABLE material_chunks SET TABLESPACE ${sql.id(tablespace)}`.execute(t.database.db);

  org = await signedIn(t.app, t.database.db, 'organiser');
  const { cycle, sessions } = await createCycle(t.database.db, { capacity: 10 });
  sessionId = sessions[0]!.id;
  await assign(t.database.db, cycle.id, org.account.id);
  // Real HTTP: the answer must reach a client that is still sending the rest of the file.
  base = await listen(t.app);
});

afterAll(async () => {
  await t?.close();
  if (tablespace) await onCluster(`DROP TABLESPACE IF EXISTS ${tablespace}`);
  if (mounted) execFileSync('umount', [spaceDir]);
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

async function upload(content: Buffer, lang: 'it' | 'en') {
  const body = multipart({ title: 'Registrazione integrale', visibility: 'registered' }, { filename: 'integrale.pdf', content });
  const res = await fetch(`${base}/api/admin/sessions/${sessionId}/materials`, {
    method: 'POST',
    body: new Uint8Array(body.payload),
    headers: { ...body.headers, ...org.headers, 'accept-language': lang },
  });
  const text = await res.text();
  return { statusCode: res.status, body: text, json: () => JSON.parse(text) as unknown };
}

const materialRows = () => t.database.db.selectFrom('materials').select(['id', 'storage_key']).where('session_id', '=', sessionId).execute();

describe('an upload larger than the free space of the database', () => {
  it('answers 507 in the contract, keeps no chunk and writes no row', async () => {
    // A real PDF head followed by 2 MB that no compression could shrink: twice what the tmpfs holds.
    const big = Buffer.concat([await pdf(), randomBytes(2 * MB)]);
    for (const lang of ['it', 'en'] as const) {
      const res = await upload(big, lang);
      const body = expectErrorShape(res.statusCode, res.json(), { status: 507, code: 'insufficient_storage' });
      expect(body.message).toMatch(lang === 'it' ? /spazio su disco/i : /disk space/i);
      expect(await storedObjects(t.database.db)).toEqual([]);
      expect(await materialRows()).toEqual([]);
    }
  });

  it('once an administrator has made a little room, a smaller upload is stored and recorded', async () => {
    // 200 KB more room, less than the next file: it fits only once the failed uploads' space is free again.
    execFileSync('mount', ['-o', 'remount,size=1224k', spaceDir]);
    const smaller = Buffer.concat([await pdf('Slide del primo incontro'), randomBytes(300 * 1024)]);
    const res = await upload(smaller, 'it');
    expect(res.statusCode, res.body).toBe(201);
    const rows = await materialRows();
    expect(rows).toHaveLength(1);
    expect(await storedObjects(t.database.db)).toEqual([rows[0]!.storage_key]);
    expect((await storedBytes(t.database.db, rows[0]!.storage_key!))?.equals(smaller)).toBe(true);
  });
});
