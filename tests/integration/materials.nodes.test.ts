// Materials are reachable from every app node (issue 13): two real server processes on one database,
// each with its own DATA_DIR. A file uploaded through one is downloaded, byte for byte, through the
// other, also after the first has stopped; and a file that was on the first node's disk from before
// materials moved into the database is imported at its start and served by the second.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assign, createAccount, signInCookieOf } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { createCycle } from '../helpers/factories.ts';
import { freePort, startServer, type ServerProcess } from '../helpers/server-process.ts';
import { listTree, multipart, pdf, tempDataDir } from './materials.support.ts';

let database: TestDatabase;
const dataDirs: string[] = [];
let a: ServerProcess;
let b: ServerProcess;
let headers: Record<string, string>;
let sessionId: string;
/** A file on node A's disk, recorded by a material row, as an upload before this change left it. */
const legacy = { key: randomBytes(16).toString('hex'), bytes: Buffer.alloc(0), id: '' };

async function node(dataDir: string) {
  return startServer({
    PORT: String(await freePort()),
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
    SERVE_WEB: '0',
    MAIL_WORKER: '0',
    DEMO_DATA: '0',
    LOG_LEVEL: 'warn',
    SECRET_KEY: 'test-secret-key-test-secret-key-0123456789',
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
  const account = await createAccount(database.db, { role: 'organiser' });
  const { cycle, sessions } = await createCycle(database.db, { capacity: 10 });
  sessionId = sessions[0]!.id;
  await assign(database.db, cycle.id, account.id);

  const dirA = tempDataDir();
  dataDirs.push(dirA, tempDataDir());
  // Three chunks and a bit, so the import streams several rows.
  legacy.bytes = Buffer.concat([await pdf('Dispensa del 2025'), randomBytes(800 * 1024)]);
  fs.mkdirSync(path.join(dirA, 'materials'));
  fs.writeFileSync(path.join(dirA, 'materials', legacy.key), legacy.bytes);
  // A crashed upload's leftover: never a material, never imported.
  fs.writeFileSync(path.join(dirA, 'materials', `${randomBytes(16).toString('hex')}.part`), 'half');
  const row = await database.db
    .insertInto('materials')
    .values({
      cycle_id: cycle.id,
      session_id: sessionId,
      title: 'Dispensa',
      kind: 'file',
      visibility: 'registered',
      storage_key: legacy.key,
      file_name: 'dispensa.pdf',
      content_type: 'application/pdf',
      size_bytes: legacy.bytes.length,
      sha256: createHash('sha256').update(legacy.bytes).digest('hex'),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  legacy.id = row.id;

  [a, b] = await Promise.all([node(dirA), node(dataDirs[1]!)]);
  const login = await fetch(`${a.base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: account.email, password: account.password }),
  });
  expect(login.status).toBe(200);
  const cookie = signInCookieOf(login.headers.getSetCookie())!;
  headers = { cookie, 'x-csrf-token': ((await login.json()) as { csrfToken: string }).csrfToken };
});

afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await database?.drop();
  for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function download(server: ServerProcess, id: string) {
  const res = await fetch(`${server.base}/api/admin/materials/${id}/download`, { headers: { cookie: headers.cookie! } });
  return { status: res.status, length: res.headers.get('content-length'), type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
}

describe('two app processes, one database', () => {
  let uploaded: { id: string; bytes: Buffer };

  it('a file uploaded through one node downloads byte for byte through the other', async () => {
    // Several 256 KiB chunks and a partial last one.
    const bytes = Buffer.concat([await pdf('Slide del primo incontro'), randomBytes(1024 * 1024 + 12_345)]);
    const body = multipart({ title: 'Slide', visibility: 'registered' }, { filename: 'slide.pdf', content: bytes });
    const res = await fetch(`${a.base}/api/admin/sessions/${sessionId}/materials`, {
      method: 'POST',
      body: new Uint8Array(body.payload),
      headers: { ...body.headers, ...headers },
    });
    const text = await res.text();
    expect(res.status, text).toBe(201);
    uploaded = { id: (JSON.parse(text) as { id: string }).id, bytes };

    const got = await download(b, uploaded.id);
    expect(got.status).toBe(200);
    expect(got.type).toBe('application/pdf');
    expect(got.length).toBe(String(bytes.length));
    expect(got.bytes.equals(bytes)).toBe(true);
  });

  it('a file that was on the first node’s disk was imported at its start and is served by the other', async () => {
    const got = await download(b, legacy.id);
    expect(got.status).toBe(200);
    expect(got.bytes.equals(legacy.bytes)).toBe(true);
    // The folder was renamed, with everything it held (the .part included): nothing is deleted.
    const entries = fs.readdirSync(dataDirs[0]!);
    expect(entries).not.toContain('materials');
    const renamed = entries.filter((e) => e.startsWith('materials.imported-'));
    expect(renamed).toHaveLength(1);
    expect(listTree(path.join(dataDirs[0]!, renamed[0]!))).toHaveLength(2);
    expect(a.output()).toMatch(/materials imported from .* into the database: 1 files/);
  });

  it('downloads keep working through the second node once the first has stopped', async () => {
    expect((await a.stop()).code).toBe(0);
    for (const [id, bytes] of [
      [uploaded.id, uploaded.bytes],
      [legacy.id, legacy.bytes],
    ] as const) {
      const got = await download(b, id);
      expect(got.status).toBe(200);
      expect(got.bytes.equals(bytes)).toBe(true);
    }
  });
});
