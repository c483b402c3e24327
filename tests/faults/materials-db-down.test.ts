// Materials live in PostgreSQL now, so the database going away is a fault of uploads and downloads too
// (issue 12's rules): while it is down both answer the contract's 503 with Retry-After; a database
// stopped while an upload's bytes are still arriving also gets that 503, and leaves no chunk and no row
// behind; once it is back, uploads and downloads work again by themselves. A real PostgreSQL 15 cluster
// of this test's own, stopped and started with pg_ctl.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../db/migrate.ts';
import type { Database } from '../../db/schema.ts';
import { migrateQueue } from '../../server/jobs/jobs.migrate.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { assign, signedIn, type Session } from '../helpers/auth.ts';
import { testDb } from '../helpers/db-outage.ts';
import { createCycle } from '../helpers/factories.ts';
import { expectErrorShape, listen } from '../helpers/http.ts';
import { startCluster, type Cluster } from '../helpers/pg-cluster.ts';
import { multipart, pdf, storedObjects, tempDataDir } from '../integration/materials.support.ts';

let cluster: Cluster;
let db: Kysely<Database>;
let t: TestApp;
let dataDir: string;
let org: Session;
let sessionId: string;
let base: string;

beforeAll(async () => {
  cluster = await startCluster();
  db = testDb(cluster.url);
  await migrateToLatest(db);
  await migrateQueue({ connectionString: cluster.url });
  dataDir = tempDataDir();
  t = await buildTestApp({
    env: { DATA_DIR: dataDir },
    database: { url: cluster.url, name: 'officina', db, drop: async () => {} },
  });
  org = await signedIn(t.app, db, 'organiser');
  const { cycle, sessions } = await createCycle(db, { capacity: 10 });
  sessionId = sessions[0]!.id;
  await assign(db, cycle.id, org.account.id);
  base = await listen(t.app);
});

afterAll(async () => {
  await t?.close();
  await db?.destroy();
  await cluster?.destroy();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

const target = () => `${base}/api/admin/sessions/${sessionId}/materials`;

async function answer(res: Response) {
  const text = await res.text();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), text, json: () => JSON.parse(text) as unknown };
}

async function upload(content: Buffer) {
  const body = multipart({ title: 'Slide', visibility: 'registered' }, { filename: 'slide.pdf', content });
  return answer(await fetch(target(), { method: 'POST', body: new Uint8Array(body.payload), headers: { ...body.headers, ...org.headers } }));
}

const download = async (id: string) => answer(await fetch(`${base}/api/admin/materials/${id}/download`, { headers: { cookie: org.cookie } }));

function expectUnavailable(res: { status: number; retryAfter: string | null; json: () => unknown }) {
  expectErrorShape(res.status, res.json(), { status: 503, code: 'service_unavailable' });
  expect(res.retryAfter).toMatch(/^\d+$/);
}

describe('uploads and downloads while the database is away', () => {
  let stored: { id: string; bytes: Buffer };

  it('answer 503 with Retry-After while it is stopped', async () => {
    const bytes = Buffer.concat([await pdf(), randomBytes(300 * 1024)]);
    const ok = await upload(bytes);
    expect(ok.status, ok.text).toBe(201);
    stored = { id: (ok.json() as { id: string }).id, bytes };

    await cluster.ctl('stop', '-m', 'fast');
    expectUnavailable(await upload(bytes));
    expectUnavailable(await download(stored.id));
  });

  it('an upload whose database stops while its bytes arrive gets 503 and leaves nothing once it is back', async () => {
    await cluster.start();
    const before = await storedObjects(db);
    const body = multipart(
      { title: 'Interrotto', visibility: 'registered' },
      { filename: 'lungo.pdf', content: Buffer.concat([await pdf(), randomBytes(2 * 1024 * 1024)]) },
    );
    // The first half goes, chunks are written in the upload's transaction; then the database stops; then the rest.
    const half = Math.floor(body.payload.length / 2);
    let sendRest!: () => void;
    const restMayGo = new Promise<void>((resolve) => (sendRest = resolve));
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(new Uint8Array(body.payload.subarray(0, half)));
        await restMayGo;
        controller.enqueue(new Uint8Array(body.payload.subarray(half)));
        controller.close();
      },
    });
    const pending = fetch(target(), { method: 'POST', body: stream, duplex: 'half', headers: { ...body.headers, ...org.headers } } as RequestInit);
    // Chunk rows exist only inside the upload's open transaction: wait until PostgreSQL shows it writing.
    await until(
      async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'idle in transaction'`.execute(db)).rows[0]!.n > 0,
    );
    await cluster.ctl('stop', '-m', 'fast');
    sendRest();
    expectUnavailable(await answer(await pending));

    await cluster.start();
    expect(await storedObjects(db)).toEqual(before);
    expect(await db.selectFrom('materials').select('id').where('title', '=', 'Interrotto').execute()).toEqual([]);
  });

  it('work again by themselves once it is back', async () => {
    const again = await download(stored.id);
    expect(again.status).toBe(200);
    const bytes = Buffer.concat([await pdf('Dopo'), randomBytes(100 * 1024)]);
    const ok = await upload(bytes);
    expect(ok.status, ok.text).toBe(201);
  });
});

/** Polls `check` until it holds (bounded: the test's own timeout ends it). */
async function until(check: () => Promise<boolean>) {
  while (!(await check())) await new Promise((r) => setTimeout(r, 50));
}
