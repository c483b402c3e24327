// The sign-up pipeline: every sign-up (public form and organiser's walk-in alike) goes through here.
//
// Why: every sign-up to a cycle must hold that cycle's row lock while it decides (rule 4 of
// docs/architecture.md), so sign-ups to one cycle are serial by nature, and a person-at-a-time
// transaction makes the crowd of a popular opening queue for pooled connections and the lock, ~8 round
// trips each. Here sign-ups to the same cycle that arrive while a transaction for that cycle is in flight
// wait in that cycle's lane and go together in the next transaction: one lock, one duplicate check, one
// multi-row INSERT, one add_jobs for their mail. Each person still gets their own answer, decided in
// arrival order.
//
// - The database lock stays the arbiter: several app processes each run their own lanes and their
//   batches take turns on the row lock, so they stay correct together.
// - Nothing slow inside the lock: ids and token hashes are prepared before the transaction, and the
//   next batch opens its transaction and counts its sign-up limits while this one holds the lock;
//   holding it, a batch sends four statements whatever its size (duplicates, participants with their
//   registrations, mail, commit).
// - Waiting, not refusing: a lane needs ONE pooled connection, not one per person, so a crowd waits in
//   this bounded FIFO queue (SIGNUP_QUEUE_MAX people, SIGNUP_QUEUE_WAIT_MS each) instead of timing out
//   on the pool. Only past those bounds is a person answered 503 with Retry-After, never written.
// - Batches hold at most BATCH_MAX people: a batch is one statement per step, and 500 rows keep each
//   statement (and the time the lock is held) to a few tens of milliseconds on a small machine, while a
//   crowd of thousands still needs only ~10 turns of the lock.
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database, Locale } from '../../../db/schema.ts';
import { AppError, errors } from '../../lib/errors.ts';
import { retryTransaction } from '../../lib/db-retry.ts';
import type { TokenKit } from '../../lib/tokens.ts';
import * as cyclesRepo from '../cycles/cycles.repository.ts';
import type { Notifier } from '../notifications/notifications.service.ts';
import type { SignupActivity } from './registrations.activity.ts';
import * as repo from './registrations.repository.ts';
import type { RegistrationRecord } from './registrations.repository.ts';
import { decideBatch, type SignupSource } from './registrations.rules.ts';

/** Largest number of people decided in one transaction (see above). */
export const BATCH_MAX = 500;

export interface SignupPerson {
  firstName: string;
  lastName: string;
  /** Already trimmed and lower-cased (registrations.schemas.ts). */
  email: string;
  organisation: string;
  role: string | null;
  network: string | null;
}

export interface SignupRequest {
  /** The public form names a published cycle by slug; the organiser's console by id (any publication). */
  cycle: { slug: string } | { id: string };
  person: SignupPerson;
  locale: Locale;
  source: SignupSource;
  /** Organiser only: when full, a seat of their own instead of the waiting list. */
  addSeat: boolean;
  /** The client address as the throttles count it (lib/client-address.ts); null for the organiser's. */
  clientKey: string | null;
  /** Organiser only: a walk-in at a meeting under way, marked present there if they get a seat. */
  arrival?: { sessionId: string; markedBy: string };
}

/** A walk-in's presence, written with their registration (the attendance module's statement). */
export interface Arrival {
  registrationId: string;
  sessionId: string;
  markedBy: string;
  at: Date;
}

export interface SignedUp {
  /** The row as the database now holds it (built from what was written, not read back). */
  record: RegistrationRecord;
  waitlistPosition: number | null;
}

/**
 * Per-email and per-address sign-up limits (the security issue), counted in PostgreSQL for the whole
 * batch in one statement, inside the batch's transaction so a refused or rolled-back sign-up counts
 * exactly as the limits decide. Returns one entry per request, in order: null to let it through.
 */
export interface SignupLimits {
  consume(trx: Transaction<Database>, requests: readonly SignupRequest[]): Promise<readonly (AppError | null)[]>;
}

export interface PipelineDeps {
  db: Kysely<Database>;
  tokens: TokenKit;
  privacyVersion: string;
  notifier: Notifier;
  clock?: () => Date;
  /** SIGNUP_QUEUE_MAX: people waiting (not yet in a transaction) across all cycles of this process. */
  queueMax: number;
  /** SIGNUP_QUEUE_WAIT_MS: the longest a person waits for their turn before a 503. */
  waitMs: number;
  /** Transactions for different cycles at once; keep it under the pool size so reads still get through. */
  concurrentBatches: number;
  batchMax?: number;
  limits?: SignupLimits;
  /** Told when sign-ups start and stop being decided (the in-process mail worker steps aside). */
  activity?: SignupActivity;
  /** Writes the presence of a batch's walk-ins in its transaction (passed in: attendance sits above registrations). */
  recordArrivals?: (trx: Transaction<Database>, arrivals: readonly Arrival[]) => Promise<void>;
}

interface Pending {
  request: SignupRequest;
  resolve(v: SignedUp): void;
  reject(e: unknown): void;
  timer: NodeJS.Timeout;
  settled: boolean;
}

interface Lane {
  waiting: Pending[];
  running: boolean;
  /** Set while the lane's drain waits for someone to arrive (or its last batch to end). */
  wake: (() => void) | null;
}

/** A FIFO counting semaphore: lanes of different cycles take turns for the batch slots. */
function slots(n: number) {
  let free = n;
  const queue: (() => void)[] = [];
  return {
    acquire(): Promise<void> {
      if (free > 0) {
        free -= 1;
        return Promise.resolve();
      }
      return new Promise((resolve) => queue.push(resolve));
    },
    release() {
      const next = queue.shift();
      if (next) next();
      else free += 1;
    },
  };
}

export function signupPipeline(deps: PipelineDeps) {
  const { db, tokens, notifier } = deps;
  const clock = deps.clock ?? (() => new Date());
  const batchMax = deps.batchMax ?? BATCH_MAX;
  const retryAfter = Math.max(1, Math.ceil(deps.waitMs / 1000 / 6));
  const lanes = new Map<string, Lane>();
  const batchSlots = slots(Math.max(1, deps.concurrentBatches));
  const draining = new Set<Promise<void>>();
  let queued = 0;
  let closed = false;

  const keyOf = (r: SignupRequest) => ('slug' in r.cycle ? `slug:${r.cycle.slug}` : `id:${r.cycle.id}`);

  function settle(p: Pending, outcome: SignedUp | AppError | Error) {
    if (p.settled) return;
    p.settled = true;
    clearTimeout(p.timer);
    if (outcome instanceof Error) p.reject(outcome);
    else p.resolve(outcome);
  }

  /** The next batch: everyone still waiting in this lane, oldest first, up to batchMax. */
  function take(lane: Lane): Pending[] {
    const batch: Pending[] = [];
    while (batch.length < batchMax && lane.waiting.length > 0) {
      const p = lane.waiting.shift()!;
      if (p.settled) continue; // waited too long, already answered 503
      queued -= 1;
      clearTimeout(p.timer);
      batch.push(p);
    }
    return batch;
  }

  /**
   * Runs a lane's batches one after the other in lock order, overlapped: as soon as a batch holds the
   * cycle lock, the next one (everyone who arrived meanwhile) opens its transaction, counts its limits
   * and queues on the lock, so the lock passes from one batch to the next inside PostgreSQL with no
   * round trip in between. At most two batches of a lane are in flight: one deciding, one waiting.
   * (A batch that must run again after a deadlock goes behind the one already waiting; rare, and the
   * people in it still get seats in the order they had among themselves.)
   */
  async function drain(key: string, lane: Lane) {
    let previous: Promise<void> = Promise.resolve();
    for (;;) {
      await batchSlots.acquire();
      // Taken after the slot is ours: everyone who arrived while we waited rides along.
      const batch = take(lane);
      if (batch.length === 0) {
        batchSlots.release();
        let finished = false;
        const last = previous.then(() => (finished = true));
        await Promise.race([last, new Promise<void>((wake) => (lane.wake = wake))]);
        lane.wake = null;
        if (finished && !lane.waiting.some((p) => !p.settled)) break;
        continue;
      }
      let locked!: () => void;
      const holdsLock = new Promise<void>((resolve) => (locked = resolve));
      previous = runBatch(batch, locked).finally(() => {
        locked();
        batchSlots.release();
      });
      await holdsLock;
    }
    lane.running = false;
    lanes.delete(key);
  }

  async function runBatch(batch: Pending[], locked: () => void) {
    try {
      // A rolled-back batch runs again by the project's one retry rule (lib/db-retry.ts).
      const outcomes = await retryTransaction(() =>
        execute(
          batch.map((p) => p.request),
          locked,
        ),
      );
      batch.forEach((p, i) => settle(p, outcomes[i]!));
    } catch (err) {
      // The transaction failed as a whole (database gone, ...): nobody was written; each person gets
      // the contract's answer for that fault (the errors plugin maps database faults to 503).
      for (const p of batch) settle(p, err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** One batch's transaction; `locked` is called once the cycle row is locked (or found missing). */
  async function execute(requests: SignupRequest[], locked: () => void): Promise<(SignedUp | AppError)[]> {
    // Before any lock: registration ids and token hashes (HMAC, microseconds each).
    const prepared = requests.map(() => {
      const id = randomUUID();
      return { id, tokenHash: tokens.issue('manage', id, 1).hash, calendarTokenHash: tokens.issue('calendar', id, 1).hash };
    });
    const ref = requests[0]!.cycle;
    const emails = [...new Set(requests.map((r) => r.person.email))];

    return db.transaction().execute(async (trx) => {
      // The one place sign-up limits are applied: once per batch, before the seat lock.
      const refusals = deps.limits ? await deps.limits.consume(trx, requests) : [];
      const cycle = 'slug' in ref ? await cyclesRepo.lockPublishedBySlug(trx, ref.slug) : await cyclesRepo.lockById(trx, ref.id);
      locked();
      const now = clock();
      const active = cycle ? await repo.activeAmong(trx, cycle.id, emails) : new Set<string>();
      const decisions = decideBatch(
        cycle,
        requests.map((r, i) => ({ email: r.person.email, source: r.source, addSeat: r.addSeat, refused: refusals[i] ?? null })),
        active,
        now,
        'slug' in ref ? errors.cycleNotFound : () => errors.notFound(),
      );
      if (!cycle) return decisions.map((d) => (d.ok ? errors.notFound() : d.error)); // all refused: no cycle

      const extraSeats = decisions.filter((d) => d.ok && d.status === 'confirmed' && d.addsSeat).length;
      if (extraSeats > 0) await repo.addSeats(trx, cycle.id, extraSeats, now);
      // Only the people who get a place become participants (a refused sign-up writes nothing); the
      // registrations insert creates them, after the cycle lock, as every seat change orders its locks
      // (cycle, then people), so an erasure running at the same time can't deadlock with it.
      const rows = requests.flatMap((r, i) => {
        const d = decisions[i]!;
        if (!d.ok) return [];
        return [
          {
            ...prepared[i]!,
            email: r.person.email,
            cycleId: cycle.id,
            status: d.status,
            firstName: r.person.firstName,
            lastName: r.person.lastName,
            organisation: r.person.organisation,
            role: r.person.role,
            network: r.person.network,
            locale: r.locale,
            consentVersion: deps.privacyVersion,
            source: r.source,
            now,
          },
        ];
      });
      const written = await repo.insertRegistrations(trx, rows);
      // A walk-in who got a seat is present at the meeting they walked into; on the waiting list, not.
      const arrivals = requests.flatMap((r, i) => {
        const d = decisions[i]!;
        return r.arrival && d.ok && d.status === 'confirmed' ? [{ registrationId: prepared[i]!.id, ...r.arrival, at: now }] : [];
      });
      if (arrivals.length > 0) {
        if (!deps.recordArrivals) throw new Error('a walk-in arrival needs recordArrivals');
        await deps.recordArrivals(trx, arrivals);
      }
      await notifier.registrationsCreated(
        trx,
        rows.map((r) => ({ id: r.id, status: r.status })),
      );

      let row = 0;
      return requests.map((r, i): SignedUp | AppError => {
        const d = decisions[i]!;
        if (!d.ok) return d.error;
        const w = rows[row++]!;
        const record: RegistrationRecord = {
          id: w.id,
          seq: written.get(w.id)!.seq,
          cycle_id: cycle.id,
          participant_id: written.get(w.id)!.participantId,
          status: w.status,
          first_name: w.firstName,
          last_name: w.lastName,
          organisation: w.organisation,
          role: w.role,
          network: w.network,
          locale: w.locale,
          consent_version: w.consentVersion,
          consent_at: now,
          source: r.source,
          created_at: now,
          confirmed_at: w.status === 'confirmed' ? now : null,
          cancelled_at: null,
          token_version: 1,
          calendar_token_version: 1,
          email: r.person.email,
        };
        return { record, waitlistPosition: d.status === 'waitlisted' ? d.position : null };
      });
    });
  }

  return {
    /** Queues one sign-up; resolves with the new registration or rejects with the person's AppError. */
    submit(request: SignupRequest): Promise<SignedUp> {
      if (closed || queued >= deps.queueMax) return Promise.reject(errors.busy(retryAfter));
      const key = keyOf(request);
      let lane = lanes.get(key);
      if (!lane) {
        lane = { waiting: [], running: false, wake: null };
        lanes.set(key, lane);
      }
      const promise = new Promise<SignedUp>((resolve, reject) => {
        const p: Pending = { request, resolve, reject, settled: false, timer: undefined as unknown as NodeJS.Timeout };
        p.timer = setTimeout(() => {
          // Still waiting for its turn: never written, so a 503 the client may retry is the truth.
          if (p.settled) return;
          queued -= 1;
          settle(p, errors.busy(retryAfter));
        }, deps.waitMs);
        lane.waiting.push(p);
      });
      lane.wake?.();
      queued += 1;
      deps.activity?.busy();
      if (!lane.running) {
        lane.running = true;
        const d = drain(key, lane).finally(() => {
          draining.delete(d);
          if (draining.size === 0) deps.activity?.idle();
        });
        draining.add(d);
      }
      return promise;
    },

    /** Stops taking sign-ups and waits for those already queued to be decided (graceful shutdown). */
    async close() {
      closed = true;
      while (draining.size > 0) await Promise.all([...draining]);
    },
  };
}

export type SignupPipeline = ReturnType<typeof signupPipeline>;
