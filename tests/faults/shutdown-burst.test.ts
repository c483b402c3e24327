// SIGTERM in the middle of a burst of sign-ups (the real server process, its embedded PostgreSQL, a
// real SMTP sink). A stop is routine (a deploy, a restart): every request the server took is answered
// — 201, or the contract's 503 service_unavailable with Retry-After for those arriving on an open
// connection while it stops — and no connection is reset under a request. A connection the stopped
// listener refuses carried nothing and may be retried elsewhere. Every 201 is stored, nothing else is,
// and after a restart on the same data each person answered 201 gets exactly one mail.
//
// Two things make the drain observable without timing: one sign-up is held in flight by a row lock the
// test owns (the stop must wait for it and answer it 201), and a few kept-alive connections are idle
// when the stop begins (their next request must get the contract's 503, not a reset).
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/schema.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';
import { freePort, killLeftovers, startServer, type ServerProcess } from '../helpers/server-process.ts';
import { startSmtpSink, waitUntil, type SmtpSink } from '../helpers/smtp.ts';

/** Clients sending one sign-up after another, each on its own kept-alive connection. */
const LANES = 16;
/** At most this many sign-ups in all: the burst is bounded even if the stop never came. */
const MAX_REQUESTS = 600;
/** SIGTERM once this many sign-ups were answered 201. */
const STOP_AFTER = 60;
/** Kept-alive connections left idle before the stop and used after it. */
const IDLE = 4;

type Outcome =
  | { kind: 'answer'; email: string; status: number; body: any; retryAfter: string | undefined; connection: string | undefined }
  | { kind: 'refused'; email: string }
  | { kind: 'broken'; email: string; error: string };

let dataDir: string;
let sink: SmtpSink;
let running: ServerProcess | null = null;

const serverEnv = async () => ({
  DATA_DIR: dataDir,
  PORT: String(await freePort()),
  DEMO_DATA: '0',
  LOG_LEVEL: 'warn',
  SERVE_WEB: '0',
  SMTP_URL: sink.url,
  // Each person comes from their own address (X-Forwarded-For from the trusted loopback proxy): one
  // address for all would also share one throttle row, and the held sign-up's transaction would hold it.
  TRUST_PROXY: '127.0.0.1',
});

/** How the test reaches the server's embedded database (password file + port from the log). */
function credentials(server: ServerProcess): pg.ClientConfig {
  const { password } = JSON.parse(fs.readFileSync(path.join(dataDir, 'pg-credentials.json'), 'utf8')) as { password: string };
  return { host: '127.0.0.1', port: server.pgPort(), user: 'postgres', password, database: 'officina' };
}

function connect(server: ServerProcess): Kysely<Database> {
  const pool = new pg.Pool({ ...credentials(server), max: 1 });
  pool.on('error', () => {}); // the server stops the database under us
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

let people = 0;
/** Person n's own address: 10.a.b.c. */
const addressOf = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

/** One sign-up over `agent`, as the client sees it. */
function signUp(agent: http.Agent, base: string, slug: string, email: string): Promise<Outcome> {
  const payload = JSON.stringify(registrationBody({ email }));
  const forwardedFor = addressOf(++people);
  return new Promise((resolve) => {
    const req = http.request(
      `${base}/api/cycles/${slug}/registrations`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), 'x-forwarded-for': forwardedFor } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            /* not JSON: the assertions say so */
          }
          resolve({ kind: 'answer', email, status: res.statusCode!, body, retryAfter: res.headers['retry-after'], connection: res.headers.connection });
        });
        res.on('error', (err) => resolve({ kind: 'broken', email, error: `${(err as NodeJS.ErrnoException).code ?? ''} ${err.message}` }));
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) =>
      resolve(err.code === 'ECONNREFUSED' ? { kind: 'refused', email } : { kind: 'broken', email, error: `${err.code ?? ''} ${err.message}` }),
    );
    req.end(payload);
  });
}

/** True once a fresh connection to `port` is refused: the server no longer listens. */
async function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'officina-shutdown-'));
  sink = await startSmtpSink({ parse: false });
});

afterAll(async () => {
  if (running && running.proc.exitCode === null && running.proc.signalCode === null) await running.stop('SIGTERM');
  await killLeftovers(dataDir);
  await sink?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('SIGTERM during a burst of sign-ups', () => {
  it('answers or refuses every request (no reset), stores every 201, and each 201 gets one mail', async () => {
    const server = (running = await startServer(await serverEnv()));
    const port = Number(new URL(server.base).port);
    const setup = connect(server);
    // Some seats and a waiting list: both kinds of answer (and of mail) are in the burst.
    const slug = (await createCycle(setup, { capacity: 40 })).cycle.slug;
    const held = (await createCycle(setup, { capacity: 40 })).cycle;

    // Connections that answered a sign-up and now sit idle in their agent.
    const idleAgent = new http.Agent({ keepAlive: true, maxSockets: IDLE });
    const early = await Promise.all(Array.from({ length: IDLE }, (_, i) => signUp(idleAgent, server.base, slug, `prima.${i}@comune.example.it`)));
    expect(early.map((o) => (o.kind === 'answer' ? o.status : o.kind))).toEqual(early.map(() => 201));

    // A sign-up held in flight: the test locks the cycle it goes to until the stop has begun.
    const holder = new pg.Client(credentials(server));
    holder.on('error', () => {});
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT id FROM cycles WHERE id = $1 FOR UPDATE', [held.id]);
    const holdAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const inFlight = signUp(holdAgent, server.base, held.slug, 'trattenuta@comune.example.it');
    await waitUntil(async () => {
      const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(setup);
      return r.rows[0]!.n > 0;
    }, 'the held sign-up to wait for the lock');
    await setup.destroy();

    const agent = new http.Agent({ keepAlive: true, maxSockets: LANES });
    const burst: Outcome[] = [];
    let sent = 0;
    let accepted = 0;
    let stopped: Promise<unknown> | null = null;
    let stopSent!: () => void;
    const stopping = new Promise<void>((resolve) => (stopSent = resolve));
    // Each lane sends its next sign-up as soon as the previous one is answered, and stops at the first
    // answer that is not a 201 (a client told to retry later does not insist) or at a refused connection.
    const lane = async (l: number) => {
      while (sent < MAX_REQUESTS) {
        const outcome = await signUp(agent, server.base, slug, `raffica.${l}.${sent++}@comune.example.it`);
        burst.push(outcome);
        if (outcome.kind === 'answer' && outcome.status === 201 && ++accepted === STOP_AFTER) {
          stopped = server.stop('SIGTERM');
          stopSent();
        }
        if (outcome.kind !== 'answer' || outcome.status !== 201) return;
      }
    };
    // Once the listener is closed (the stop has begun) and while the held sign-up keeps the drain open:
    // the idle connections are used again, then the held sign-up is let through.
    const afterStop = async () => {
      await stopping;
      if (!stopped) return [];
      await waitUntil(() => refusesConnections(port), 'the server to stop listening');
      const late = await Promise.all(Array.from({ length: IDLE }, (_, i) => signUp(idleAgent, server.base, slug, `tardi.${i}@comune.example.it`)));
      await holder.query('ROLLBACK');
      await holder.end();
      return late;
    };
    const [late] = await Promise.all([afterStop(), Promise.all(Array.from({ length: LANES }, (_, l) => lane(l))).then(() => stopSent())]);
    const heldOutcome = await inFlight;
    for (const a of [agent, idleAgent, holdAgent]) a.destroy();
    expect(stopped, 'the burst reached the stop').not.toBeNull();
    const exit = await stopped;
    expect(exit, server.output()).toEqual({ code: 0, signal: null });

    // No connection broken under a request; every answer a 201 or the contract's 503.
    const outcomes = [...early, ...burst, ...late, heldOutcome];
    const broken = outcomes.filter((o) => o.kind === 'broken');
    expect(broken, 'requests whose connection broke').toEqual([]);
    const answers = outcomes.filter((o): o is Extract<Outcome, { kind: 'answer' }> => o.kind === 'answer');
    const created = answers.filter((a) => a.status === 201);
    const unavailable = answers.filter((a) => a.status === 503);
    expect(answers.filter((a) => a.status !== 201 && a.status !== 503).map((a) => `${a.status} ${JSON.stringify(a.body)}`)).toEqual([]);
    for (const a of unavailable) {
      expect(a.body, 'a 503 in the contract').toMatchObject({ statusCode: 503, code: 'service_unavailable' });
      expect(typeof a.body.message).toBe('string');
      expect(Number(a.retryAfter), 'Retry-After').toBeGreaterThan(0);
      expect(a.connection).toBe('close');
    }
    // The held sign-up, in flight when the stop began, was decided and answered.
    expect(heldOutcome).toMatchObject({ kind: 'answer', status: 201 });
    // Requests on connections left open got the contract's 503.
    expect(late.map((o) => (o.kind === 'answer' ? o.status : o.kind))).toEqual(late.map(() => 503));
    // The burst went on past the stop: every lane ended on a 503 or a refused connection.
    const refused = burst.filter((o) => o.kind === 'refused').length;
    const burstUnavailable = burst.filter((o) => o.kind === 'answer' && o.status === 503).length;
    console.log(`shutdown burst: ${created.length} × 201, ${unavailable.length} × 503, ${refused} refused, ${broken.length} broken`);
    expect(burstUnavailable + refused).toBe(LANES);
    expect(created.length).toBeGreaterThanOrEqual(IDLE + STOP_AFTER + 1);

    // Restart on the same data: every 201 is there, nothing else is, and the queued mail goes out.
    const again = (running = await startServer(await serverEnv()));
    const db = connect(again);
    try {
      const rows = await db.selectFrom('registrations as r').innerJoin('participants as p', 'p.id', 'r.participant_id').select(['r.id', 'p.email']).execute();
      expect(new Set(rows.map((r) => r.id))).toEqual(new Set(created.map((a) => a.body.registration.id as string)));
      expect(rows.map((r) => r.email).sort()).toEqual(created.map((a) => a.email).sort());
    } finally {
      await db.destroy();
    }
    await sink.waitFor(() => sink.messages.length >= created.length, `${created.length} mails`, 40_000);
    // A moment for a second copy, if any, to arrive too.
    await new Promise((r) => setTimeout(r, 1_000));
    for (const a of created) expect(sink.to(a.email), a.email).toHaveLength(1);
    expect(sink.messages).toHaveLength(created.length);
    expect(sink.duplicates()).toEqual([]);
  });
});
