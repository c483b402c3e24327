// What the database-outage fault tests share: a bounded burst of public sign-ups against a spawned
// server (each person from their own address), a watcher of /api/health, and the checks that every
// answer kept the error contract. A failure to get any HTTP answer (a reset, a refused connection,
// a process that died) is recorded as such, never thrown, so the test can count it.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { expect } from 'vitest';
import type { Database } from '../../db/schema.ts';
import { registrationBody } from './factories.ts';

export interface Outcome {
  /** The person's email address (one person may be answered several times). */
  email: string;
  /** HTTP status, or 0 when no HTTP answer came (see `error`). */
  status: number;
  retryAfter: string | null;
  code: string | null;
  registrationId: string | null;
  error: string | null;
}

function describeFailure(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  return [e?.message, e?.cause?.code ?? e?.cause?.message].filter(Boolean).join(': ');
}

/** One public sign-up; `address` becomes X-Forwarded-For (the server trusts loopback as its proxy). */
export async function signUp(base: string, slug: string, address: string, body: { email: string } = registrationBody()): Promise<Outcome> {
  const email = body.email;
  try {
    const res = await fetch(`${base}/api/cycles/${slug}/registrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const json = (await res.json().catch(() => null)) as { code?: string; registration?: { id: string } } | null;
    return {
      email,
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      code: json?.code ?? null,
      registrationId: json?.registration?.id ?? null,
      error: null,
    };
  } catch (err) {
    return { email, status: 0, retryAfter: null, code: null, registrationId: null, error: describeFailure(err) };
  }
}

let nextAddress = 1;
/** A distinct documentation address (198.18.0.0/15) per person, so no per-address limit is shared. */
export function personAddress(): string {
  const n = nextAddress++;
  return `198.18.${(n >> 8) & 255}.${n & 255}`;
}

export interface BurstOptions {
  base: string;
  slug: string;
  /** People signing up. */
  total?: number;
  /** People in flight at once. */
  concurrency?: number;
  /** Pause between one person's end and the next person of the same stream, so the burst lasts. */
  pauseMs?: number;
  /** A person answered 503 tries again after this pause (shorter than Retry-After: a test)… */
  retryPauseMs?: number;
  /** …until this long after the burst began; then the last answer stays (a 503: not served again). */
  giveUpAfterMs?: number;
  /** Called once, when this many answers have arrived: the fault to inject mid-burst. */
  faultAfter?: number;
  fault: () => Promise<void>;
}

/** The burst every outage test runs: 150 people, 10 at a time, the fault after 40 answers. */
const BURST = { total: 150, concurrency: 10, pauseMs: 100, retryPauseMs: 250, giveUpAfterMs: 40_000, faultAfter: 40 };

export interface Burst {
  /** Every answer, retries included. */
  answers: Outcome[];
  /** Each person's last answer. */
  finals: Outcome[];
}

export async function signupBurst(options: BurstOptions): Promise<Burst> {
  const o = { ...BURST, ...options };
  const answers: Outcome[] = [];
  const finals: Outcome[] = [];
  let started = 0;
  let faultDone: Promise<void> | null = null;
  const giveUpAt = Date.now() + o.giveUpAfterMs;
  const person = async () => {
    const body = registrationBody();
    const address = personAddress();
    for (;;) {
      const answer = await signUp(o.base, o.slug, address, body);
      answers.push(answer);
      if (answers.length >= o.faultAfter) faultDone ??= o.fault();
      if (answer.status !== 503 || Date.now() > giveUpAt) return answer;
      await new Promise((r) => setTimeout(r, o.retryPauseMs));
    }
  };
  const stream = async () => {
    while (started < o.total) {
      started += 1;
      finals.push(await person());
      await new Promise((r) => setTimeout(r, o.pauseMs));
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, stream));
  await faultDone;
  return { answers, finals };
}

/** Tallies outcomes as `status` (or the failure text) → count, for assertion messages. */
export function tally(outcomes: readonly Outcome[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const o of outcomes) {
    const k = o.status === 0 ? `no answer (${o.error})` : `${o.status}${o.code ? ` ${o.code}` : ''}`;
    t[k] = (t[k] ?? 0) + 1;
  }
  return t;
}

/**
 * Answers outside the contract for a database outage: anything but 201, 503 with Retry-After, or the
 * 409 `already_registered` of a person trying again whose earlier attempt was committed although its
 * answer was a 503 (the connection died between COMMIT and its reply: the database can't tell).
 */
export function contractBreaches(answers: readonly Outcome[]): Outcome[] {
  return answers.filter(
    (o) =>
      !(o.status === 201 && o.registrationId) &&
      !(o.status === 503 && o.code === 'service_unavailable' && o.retryAfter) &&
      !(o.status === 409 && o.code === 'already_registered'),
  );
}

export interface HealthSample {
  status: number;
  database: string | null;
}

/** Polls /api/health every `everyMs` until stop(); returns the samples in order. */
export function watchHealth(base: string, everyMs = 150) {
  const samples: HealthSample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const res = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(5_000) });
        const body = (await res.json().catch(() => null)) as { database?: string } | null;
        samples.push({ status: res.status, database: body?.database ?? null });
      } catch {
        samples.push({ status: 0, database: null });
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    samples,
    async stop(): Promise<HealthSample[]> {
      running = false;
      await loop;
      return samples;
    },
  };
}

/** The test's own connection, which must itself survive the database going away under it. */
export function testDb(connectionString: string): Kysely<Database> {
  const pool = new pg.Pool({ connectionString, max: 2 });
  pool.on('error', () => {});
  pool.on('connect', (c) => c.on('error', () => {}));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * What the database holds for the people of a burst: acknowledged (201) registrations missing, people
 * answered 409 `already_registered` with no registration, confirmed seats against the capacity.
 */
export async function storedState(db: Kysely<Database>, cycleId: string, finals: readonly Outcome[]) {
  const rows = await db
    .selectFrom('registrations')
    .innerJoin('participants', 'participants.id', 'registrations.participant_id')
    .select(['registrations.id', 'registrations.status', 'participants.email'])
    .where('registrations.cycle_id', '=', cycleId)
    .execute();
  const ids = new Set(rows.map((r) => r.id));
  const emails = new Set(rows.map((r) => r.email));
  const cycle = await db.selectFrom('cycles').select('capacity').where('id', '=', cycleId).executeTakeFirstOrThrow();
  return {
    missing: finals.filter((o) => o.status === 201 && !ids.has(o.registrationId!)).map((o) => o.registrationId),
    phantom409: finals.filter((o) => o.status === 409 && !emails.has(o.email)).map((o) => o.email),
    rowsPerPerson: rows.length === emails.size,
    confirmed: rows.filter((r) => r.status === 'confirmed').length,
    capacity: cycle.capacity,
  };
}

/**
 * What must hold after a database outage during a burst: every answer within the contract, every
 * person served in the end (201, or 409 for one whose 503'd attempt had in fact been committed), every
 * 201 stored, each person at most once, no seat oversold. Returns the tally for the test's log line.
 */
export async function expectOutageSurvived(db: Kysely<Database>, cycleId: string, burst: Burst, serverLog: string) {
  const summary = `answers ${JSON.stringify(tally(burst.answers))}, final ${JSON.stringify(tally(burst.finals))}`;
  const errorsLogged = serverLog
    .split('\n')
    .filter((l) => l.includes('"level":50'))
    .slice(0, 3)
    .join('\n');
  expect(contractBreaches(burst.answers), `${summary}\n${errorsLogged}`).toEqual([]);
  const unserved = burst.finals.filter((o) => o.status !== 201 && o.status !== 409);
  expect(unserved.length, `people never served again; ${summary}\n${serverLog.slice(-2000)}`).toBe(0);
  const state = await storedState(db, cycleId, burst.finals);
  expect(state.missing, summary).toEqual([]);
  expect(state.phantom409, summary).toEqual([]);
  expect(state.rowsPerPerson).toBe(true);
  expect(state.confirmed).toBeLessThanOrEqual(state.capacity);
  return summary;
}
