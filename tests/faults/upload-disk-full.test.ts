// A full disk while an organiser uploads is an expected fault, not a bug: the answer is the contract's
// 507 naming the problem (in the request's language), the half-written file is removed, no material row
// is left behind, and once there is room again uploads work. The materials folder is a real 1 MB tmpfs
// (we run as root here and in CI), so ENOSPC comes from the kernel, not from a stub.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { assign, signedIn, type Session } from '../helpers/auth.ts';
import { createCycle } from '../helpers/factories.ts';
import { expectErrorShape, listen } from '../helpers/http.ts';
import { listTree, multipart, pdf, tempDataDir } from '../integration/materials.support.ts';

const MB = 1024 * 1024;

let t: TestApp;
let dataDir: string;
let materialsDir: string;
let mounted = false;
let org: Session;
let sessionId: string;
let base: string;

beforeAll(async () => {
  dataDir = tempDataDir();
  materialsDir = path.join(dataDir, 'materials');
  fs.mkdirSync(materialsDir);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', materialsDir]);
  mounted = true;
  // The size limit (5 MB) is above the free space: the disk, not the limit, refuses the file.
  t = await buildTestApp({ env: { DATA_DIR: dataDir, MAX_UPLOAD_MB: '5' } });
  org = await signedIn(t.app, t.database.db, 'organiser');
  const { cycle, sessions } = await createCycle(t.database.db, { capacity: 10 });
  sessionId = sessions[0]!.id;
  await assign(t.database.db, cycle.id, org.account.id);
  // Real HTTP: the answer must reach a client that is still sending the rest of the file.
  base = await listen(t.app);
});

afterAll(async () => {
  await t?.close();
  if (mounted) execFileSync('umount', [materialsDir]);
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

const materialRows = () => t.database.db.selectFrom('materials').select('id').where('session_id', '=', sessionId).execute();

describe('an upload larger than the free disk space', () => {
  it('answers 507 in the contract, removes the partial file and writes no row', async () => {
    // A real PDF head followed by 2 MB: twice what the tmpfs holds.
    const big = Buffer.concat([await pdf(), Buffer.alloc(2 * MB, 0x20)]);
    for (const lang of ['it', 'en'] as const) {
      const res = await upload(big, lang);
      const body = expectErrorShape(res.statusCode, res.json(), { status: 507, code: 'insufficient_storage' });
      expect(body.message).toMatch(lang === 'it' ? /spazio su disco/i : /disk space/i);
      expect(listTree(materialsDir)).toEqual([]);
      expect(await materialRows()).toEqual([]);
    }
  });

  it('a small upload afterwards is stored and recorded', async () => {
    const small = await pdf('Slide del primo incontro');
    const res = await upload(small, 'it');
    expect(res.statusCode, res.body).toBe(201);
    const files = listTree(materialsDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(fs.statSync(path.join(materialsDir, files[0]!)).size).toBe(small.length);
    expect(await materialRows()).toHaveLength(1);
  });
});
