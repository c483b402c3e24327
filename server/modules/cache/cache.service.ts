// The in-process cache of the reads everyone makes (catalogue, a cycle's detail, public feeds). An entry
// is served while it is younger than the TTL (≤ 1 s, so seat counts and the time-dependent status of a
// cycle are never older than that) and no write it depends on has been announced since its computation
// started. Writes are announced by invalidate(): from PostgreSQL notifications (cache.listener.ts, every
// app process) and from this process' own successful writes (app.ts), so the writer reads its own write.
//
// Recomputation is coalesced per key (single-flight): callers that arrive while a computation is running
// share it, provided no invalidation came after it started; otherwise they share ONE queued computation
// that starts when the running one ends. So a crowd of sign-ups, each announcing a change, costs at most
// one computation in flight per key, never one per sign-up.

/** `'*'`: everything; anything else: the id of the cycle whose rows changed. */
export type Invalidation = string;

/** Scopes an entry may depend on: every change, a whole-cache change, or one cycle's change. */
const ANY = 'any';
const ALL = 'all';
export const cycleScope = (cycleId: string) => `cycle:${cycleId}`;
/** Depends on every cycle (the catalogue, its feed). */
export const EVERY_CYCLE: readonly string[] = [ANY];
/** Depends on one cycle and on whole-cache changes (themes). */
export const ONE_CYCLE = (cycleId: string): readonly string[] => [ALL, cycleScope(cycleId)];
/** Depends on whole-cache changes only (the list of themes). */
export const GLOBAL: readonly string[] = [ALL];

interface Entry {
  value: unknown;
  /** Invalidation sequence number when the computation started. */
  seq: number;
  startedAt: number;
  scopes: readonly string[];
}

interface Flight {
  seq: number;
  promise: Promise<unknown>;
}

interface Slot {
  entry?: Entry;
  running?: Flight;
  /** A computation waiting for `running` to end, joined by everyone who came after an invalidation. */
  queued?: Promise<unknown>;
}

export interface ReadCacheOptions {
  ttlMs?: number;
  /** Keys kept at most (the catalogue's theme filter comes from the query string: bound it). */
  maxKeys?: number;
  now?: () => number;
}

export class ReadCache {
  readonly ttlMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;
  private seq = 0;
  /** scope -> sequence number of its latest invalidation. */
  private readonly invalidatedAt = new Map<string, number>();
  private readonly slots = new Map<string, Slot>();
  /** Computations run, for tests and benchmarks that check coalescing. */
  computations = 0;

  constructor(opts: ReadCacheOptions = {}) {
    this.ttlMs = opts.ttlMs ?? 1000;
    this.maxKeys = opts.maxKeys ?? 500;
    this.now = opts.now ?? (() => performance.now());
  }

  invalidate(target: Invalidation): void {
    this.seq += 1;
    this.invalidatedAt.set(ANY, this.seq);
    if (target === '*') {
      this.invalidatedAt.set(ALL, this.seq);
      // Nothing cached can be served any more: free the memory now (running computations keep their slot).
      for (const [key, slot] of this.slots) if (!slot.running && !slot.queued) this.slots.delete(key);
    } else {
      this.invalidatedAt.set(cycleScope(target), this.seq);
    }
  }

  /** Everything is stale (a missed notification, a reconnected listener). */
  clear(): void {
    this.invalidate('*');
  }

  get size(): number {
    return this.slots.size;
  }

  /**
   * The cached value of `key`, or the result of `compute` (shared with concurrent callers). `scopes`
   * says, from the computed value, which invalidations make it stale. Failures are not cached.
   */
  get<V>(key: string, compute: () => Promise<V>, scopes: (value: V) => readonly string[]): Promise<V> {
    let slot = this.slots.get(key);
    if (slot?.entry && this.fresh(slot.entry)) return Promise.resolve(slot.entry.value as V);
    if (!slot) {
      slot = {};
      this.slots.set(key, slot);
      this.evict();
    }
    // A running computation is good enough when nothing at all was invalidated since it started (its
    // scopes are not known before it ends).
    if (slot.running && this.lastOf(ANY) <= slot.running.seq) return slot.running.promise as Promise<V>;
    if (slot.queued) return slot.queued as Promise<V>;
    if (slot.running) {
      const s = slot;
      const queued = s
        .running!.promise.then(
          () => undefined,
          () => undefined,
        )
        .then(() => {
          s.queued = undefined;
          return this.start(s, compute, scopes);
        });
      s.queued = queued;
      return queued;
    }
    return this.start(slot, compute, scopes);
  }

  private start<V>(slot: Slot, compute: () => Promise<V>, scopes: (value: V) => readonly string[]): Promise<V> {
    const seq = this.seq;
    const startedAt = this.now();
    this.computations += 1;
    const promise = (async () => {
      try {
        // Through a then(): a compute that throws synchronously still settles after `running` is set.
        const value = await Promise.resolve().then(compute);
        slot.entry = { value, seq, startedAt, scopes: scopes(value) };
        return value;
      } finally {
        slot.running = undefined;
      }
    })();
    // Idle slots are the only ones evicted or dropped, so a key never has two computations at once.
    slot.running = { seq, promise };
    return promise;
  }

  private fresh(e: Entry): boolean {
    const age = this.now() - e.startedAt;
    // A clock that went back (a wall clock corrected) must not stretch an entry's life.
    if (age < 0 || age >= this.ttlMs) return false;
    return e.scopes.every((s) => this.lastOf(s) <= e.seq);
  }

  private lastOf(scope: string): number {
    return this.invalidatedAt.get(scope) ?? 0;
  }

  /** Drops the oldest idle keys past the bound (Map order is insertion order). */
  private evict(): void {
    if (this.slots.size <= this.maxKeys) return;
    for (const [key, slot] of this.slots) {
      if (this.slots.size <= this.maxKeys) break;
      if (!slot.running && !slot.queued) this.slots.delete(key);
    }
  }
}
