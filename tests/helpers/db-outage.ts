// What the database-outage fault tests share: a bounded burst of public sign-ups against a spawned
// server (each person from their own address), a watcher of /api/health, and the checks that every
// answer kept the error contract. A failure to get any HTTP answer (a reset, a refused connection,
// a process that died) is recorded as such, never thrown, so the test can count it.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../../db/schema.ts';
import { registrationBody } from './factories.ts';

export interface Outcome {
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
export async function signUp(base: string, slug: string, address: string): Promise<Outcome> {
  try {
    const res = await fetch(`${base}/api/cycles/${slug}/registrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
      body: JSON.stringify(registrationBody()),
      signal: AbortSignal.timeout(30_000),
    });
    const body = (await res.json().catch(() => null)) as { code?: string; registration?: { id: string } } | null;
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      code: body?.code ?? null,
      registrationId: body?.registration?.id ?? null,
      error: null,
    };
  } catch (err) {
    return { status: 0, retryAfter: null, code: null, registrationId: null, error: describeFailure(err) };
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
  total: number;
  /** Sign-ups in flight at once. */
  concurrency: number;
  /** Pause between one person's answer and the next person of the same stream, so the burst lasts. */
  pauseMs: number;
  /** Called once, when this many answers have arrived: the fault to inject mid-burst. */
  faultAfter: number;
  fault: () => Promise<void>;
}

export async function signupBurst(o: BurstOptions): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let started = 0;
  let faultDone: Promise<void> | null = null;
  const stream = async () => {
    while (started < o.total) {
      started += 1;
      outcomes.push(await signUp(o.base, o.slug, personAddress()));
      if (outcomes.length >= o.faultAfter) faultDone ??= o.fault();
      await new Promise((r) => setTimeout(r, o.pauseMs));
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, stream));
  await faultDone;
  return outcomes;
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

/** Outcomes outside the contract for a database outage: anything but 201, 503+Retry-After. */
export function contractBreaches(outcomes: readonly Outcome[]): Outcome[] {
  return outcomes.filter(
    (o) => !(o.status === 201 && o.registrationId) && !(o.status === 503 && o.code === 'service_unavailable' && o.retryAfter),
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

/** Sign-ups again until one is accepted (201) or `ms` pass; returns the accepted outcome or null. */
export async function waitForSignups(base: string, slug: string, ms: number): Promise<Outcome | null> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const o = await signUp(base, slug, personAddress());
    if (o.status === 201) return o;
    await new Promise((r) => setTimeout(r, 250));
  }
  return null;
}

/** The test's own connection, which must itself survive the database going away under it. */
export function testDb(connectionString: string): Kysely<Database> {
  const pool = new pg.Pool({ connectionString, max: 2 });
  pool.on('error', () => {});
  pool.on('connect', (c) => c.on('error', () => {}));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** Every acknowledged (201) registration is a row, and the cycle holds no more confirmed than seats. */
export async function storedState(db: Kysely<Database>, cycleId: string, acknowledged: readonly string[]) {
  const rows = await db.selectFrom('registrations').select(['id', 'status']).where('cycle_id', '=', cycleId).execute();
  const ids = new Set(rows.map((r) => r.id));
  const cycle = await db.selectFrom('cycles').select('capacity').where('id', '=', cycleId).executeTakeFirstOrThrow();
  return {
    missing: acknowledged.filter((id) => !ids.has(id)),
    confirmed: rows.filter((r) => r.status === 'confirmed').length,
    capacity: cycle.capacity,
  };
}
