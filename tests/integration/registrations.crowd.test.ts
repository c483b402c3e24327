// When a popular cycle opens: 5,000 people press "Iscriviti" at the same moment for 40 seats, through
// real HTTP, each from their own address (X-Forwarded-For from a trusted proxy, as a crowd from many
// offices arrives). Everyone is answered 201, with no error: 40 confirmed, 4,960 on the waiting list at
// positions 1..4,960 in the order the server took them (seq), each person once. The same crowd split
// over two server processes on one database (each with its mail worker, as `npm start` runs) gives the
// same, and each person gets exactly one mail at the SMTP server.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/schema.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';
import { listen, request, type JsonResponse } from '../helpers/http.ts';
import { cleanEnv, freePort, ROOT, startServer, type ServerProcess } from '../helpers/server-process.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.ts';

const SEATS = 40;
const CROWD = 5_000;
const CROWD_ENV = { TRUST_PROXY: '127.0.0.1' };

/** Person i's own address: 10.a.b.c, distinct for every i. */
const addressOf = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

/** Everyone at once; person i goes to bases[i % bases.length]. */
async function crowd(bases: string[], slug: string, tag: string): Promise<{ email: string; res: JsonResponse }[]> {
  const people = Array.from({ length: CROWD }, (_, i) => registrationBody({ email: `folla.${tag}.${i}@comune.example.it`, firstName: `Persona ${i}` }));
  const responses = await Promise.all(
    people.map((body, i) => request(bases[i % bases.length]!, 'POST', `/api/cycles/${slug}/registrations`, body, { 'x-forwarded-for': addressOf(i) })),
  );
  return responses.map((res, i) => ({ email: people[i]!.email, res }));
}

/** The crowd's outcome as the people were told it and as the database holds it. */
async function expectSeatedInOrder(db: Kysely<Database>, cycleId: string, answers: { email: string; res: JsonResponse }[]) {
  const failed = answers.filter((a) => a.res.status !== 201).map((a) => `${a.res.status} ${a.res.body?.code}`);
  expect(failed, 'answers other than 201').toEqual([]);
  const regs = answers.map((a) => a.res.body.registration as { id: string; status: string; waitlistPosition: number | null; email: string });
  expect(regs.filter((r) => r.status === 'confirmed')).toHaveLength(SEATS);
  const waiting = regs.filter((r) => r.status === 'waitlisted');
  expect(waiting).toHaveLength(CROWD - SEATS);
  expect(waiting.map((r) => r.waitlistPosition).sort((a, b) => a! - b!)).toEqual(Array.from({ length: CROWD - SEATS }, (_, i) => i + 1));
  // Each person once: every answer names a distinct registration of the right address.
  expect(new Set(regs.map((r) => r.id)).size).toBe(CROWD);
  answers.forEach((a, i) => expect(regs[i]!.email).toBe(a.email));

  // FIFO by the server's arrival order (seq): the 40 seats went to the first 40 rows, and the position
  // each person was told is their place among the waiting rows.
  const rows = await db.selectFrom('registrations').select(['id', 'status', 'seq']).where('cycle_id', '=', cycleId).orderBy('seq').execute();
  expect(rows).toHaveLength(CROWD);
  const told = new Map(regs.map((r) => [r.id, r]));
  rows.forEach((row, i) => {
    if (i < SEATS) expect(row.status).toBe('confirmed');
    else expect([row.status, told.get(row.id)?.waitlistPosition]).toEqual(['waitlisted', i - SEATS + 1]);
  });
  const counts = await db.selectFrom('cycles').select(['seats_taken', 'waitlist_length']).where('id', '=', cycleId).executeTakeFirstOrThrow();
  expect(counts).toEqual({ seats_taken: SEATS, waitlist_length: CROWD - SEATS });
}

describe('5,000 simultaneous sign-ups for 40 seats on one app', () => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await buildTestApp({ env: CROWD_ENV });
    base = await listen(t.app);
  });
  afterAll(async () => t?.close());

  it('answers everyone 201: 40 confirmed, 4,960 waitlisted in arrival order, each person once', async () => {
    const { cycle } = await createCycle(t.database.db, { capacity: SEATS });
    const answers = await crowd([base], cycle.slug, 'uno');
    await expectSeatedInOrder(t.database.db, cycle.id, answers);
    // Coalesced: far fewer transactions than people (each batch writes one created_at).
    const batches = await sql<{ n: number }>`SELECT count(DISTINCT created_at)::int AS n FROM registrations WHERE cycle_id = ${cycle.id}`.execute(
      t.database.db,
    );
    console.log(`crowd on one app: ${CROWD} sign-ups decided in ${batches.rows[0]!.n} transactions`);
    expect(batches.rows[0]!.n).toBeLessThan(CROWD);
  });
});

describe('the same crowd split over two server processes on one database', () => {
  let database: TestDatabase;
  let sink: SmtpSink;
  let dataDir: string;
  const servers: ServerProcess[] = [];
  const workers: ChildProcess[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
    sink = await startSmtpSink({ parse: false, keepRaw: false });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'officina-crowd-'));
    // Two `npm start`-like processes (API only). Their mail goes out through two `npm run worker`
    // processes started once the crowd is answered: the SMTP sink lives in this test process, whose
    // event loop the crowd's 5,000 requests keep busy, and a starved sink only shows SMTP timeouts.
    for (let i = 0; i < 2; i++) {
      servers.push(
        await startServer({
          PORT: String(await freePort()),
          DATABASE_URL: database.url,
          DATA_DIR: dataDir,
          SERVE_WEB: '0',
          DEMO_DATA: '0',
          LOG_LEVEL: 'warn',
          SECRET_KEY: 'test-secret-key-test-secret-key-0123456789',
          SMTP_URL: sink.url,
          MAIL_WORKER: '0',
          ...CROWD_ENV,
        }),
      );
    }
  });
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    for (const s of servers) await s.stop();
    await sink?.close();
    await database?.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('gives the same result, and each person exactly one mail (confirmation or waiting list)', async () => {
    const { cycle } = await createCycle(database.db, { capacity: SEATS });
    const started = Date.now();
    const answers = await crowd(
      servers.map((s) => s.base),
      cycle.slug,
      'due',
    );
    const answered = Date.now();
    await expectSeatedInOrder(database.db, cycle.id, answers);

    for (let i = 0; i < 2; i++) {
      const env = cleanEnv({
        DATABASE_URL: database.url,
        DATA_DIR: dataDir,
        SECRET_KEY: 'test-secret-key-test-secret-key-0123456789',
        SMTP_URL: sink.url,
        LOG_LEVEL: 'warn',
      });
      workers.push(spawn(process.execPath, ['server/worker.ts'], { cwd: ROOT, env, stdio: 'ignore' }));
    }
    await sink.waitFor(() => sink.accepted >= CROWD, `${CROWD} mails at the SMTP sink`, 90_000);
    console.log(`crowd on two processes: answered in ${answered - started} ms, ${CROWD} mails delivered ${Date.now() - answered} ms later`);
    const perPerson = new Map<string, number>();
    for (const m of sink.messages) for (const to of m.to) perPerson.set(to, (perPerson.get(to) ?? 0) + 1);
    expect(answers.filter((x) => perPerson.get(x.email) !== 1).map((x) => `${x.email}: ${perPerson.get(x.email) ?? 0}`)).toEqual([]);
    const templates = await database.db
      .selectFrom('mail_messages')
      .select(['template', (eb) => eb.fn.countAll<string>().as('n')])
      .where('cycle_id', '=', cycle.id)
      .where('status', '=', 'sent')
      .groupBy('template')
      .execute();
    expect(Object.fromEntries(templates.map((r) => [r.template, Number(r.n)]))).toEqual({
      'registration-confirmed': SEATS,
      'registration-waitlisted': CROWD - SEATS,
    });
    expect(sink.duplicates()).toEqual([]);
    for (const s of servers) expect(s.stderr()).not.toMatch(/error/i);
  }, 180_000);
});
