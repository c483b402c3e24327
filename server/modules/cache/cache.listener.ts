// Keeps the read cache of this process in step with writes made by any process: a dedicated connection
// (not from the pool: a pooled client is handed to others, and LISTEN belongs to one session) LISTENs on
// the channel the database triggers notify (migration 2026-12-03T1500_cache_notify). When that
// connection drops, notifications sent meanwhile are lost, so the whole cache is cleared once the
// listener is back; until then every read would be up to the TTL old at most anyway.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { CACHE_CHANNEL, listen, notify } from './cache.repository.ts';
import type { ReadCache } from './cache.service.ts';

const SYNC_PREFIX = 'sync:';

export interface ListenerLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface CacheListenerOptions {
  connectionString: string;
  cache: ReadCache;
  log: ListenerLog;
  /** First and longest wait between reconnection attempts. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface CacheListener {
  /** Resolves once LISTEN is in place (the first time; later reconnections happen by themselves). */
  ready: Promise<void>;
  /** The backend pid of the listening connection (null while disconnected). */
  pid(): number | null;
  /** Resolves when the next (re)connection has its LISTEN in place. */
  nextConnection(): Promise<void>;
  /**
   * Resolves once every notification committed before the call has been applied to the cache: it sends
   * a marker of its own, and PostgreSQL delivers notifications in commit order.
   */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** Ends a client without waiting on a peer that never answers (the socket is dropped after a second). */
async function endQuietly(c: pg.Client | null): Promise<void> {
  if (!c) return;
  let timer: NodeJS.Timeout | undefined;
  const dropped = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      (c as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
      resolve();
    }, 1_000);
  });
  await Promise.race([c.end().catch(() => {}), dropped]);
  clearTimeout(timer);
}

export function startCacheListener(opts: CacheListenerOptions): CacheListener {
  const minBackoff = opts.minBackoffMs ?? 100;
  const maxBackoff = opts.maxBackoffMs ?? 5_000;
  let client: pg.Client | null = null;
  let backendPid: number | null = null;
  let closed = false;
  let backoff = minBackoff;
  let timer: NodeJS.Timeout | null = null;
  let connectedOnce = false;
  let waiters: (() => void)[] = [];
  const markers = new Map<string, () => void>();

  async function connect(): Promise<void> {
    // Bounded like the pool's waits: a database that accepts connections but never answers must not
    // leave the listener (and the app's start-up) waiting forever.
    const c = new pg.Client({
      connectionString: opts.connectionString,
      application_name: 'officina-cache-listener',
      connectionTimeoutMillis: 5_000,
      query_timeout: 5_000,
      keepAlive: true,
    });
    // Without a listener an 'error' on this client is an uncaught exception that ends the process.
    c.on('error', (err) => lost(c, err));
    c.on('end', () => lost(c, null));
    c.on('notification', (msg) => {
      if (msg.channel !== CACHE_CHANNEL) return;
      const payload = msg.payload ?? '';
      // sync() markers, ours or another process' (every listener receives them): no change of data.
      if (payload.startsWith(SYNC_PREFIX)) {
        markers.get(payload)?.();
        markers.delete(payload);
        return;
      }
      opts.cache.invalidate(payload || '*');
    });
    client = c;
    try {
      await c.connect();
      const pid = await listen(c);
      if (client !== c || closed) return;
      backendPid = pid;
    } catch (err) {
      lost(c, err);
      throw err;
    }
    // Whatever was written while nobody listened is unknown: start from nothing.
    if (connectedOnce) {
      opts.cache.clear();
      opts.log.info({ pid: backendPid }, 'cache listener reconnected; cache cleared');
    }
    connectedOnce = true;
    backoff = minBackoff;
    const w = waiters;
    waiters = [];
    for (const resolve of w) resolve();
  }

  function lost(c: pg.Client, err: unknown) {
    if (client !== c) return;
    client = null;
    backendPid = null;
    // Reads may have been served from entries a missed notification should have dropped.
    opts.cache.clear();
    // Clearing covers whatever a pending sync() waited for.
    for (const done of markers.values()) done();
    markers.clear();
    void endQuietly(c);
    if (closed) return;
    opts.log.warn({ err, retryInMs: backoff }, 'cache listener lost its database connection; reconnecting');
    schedule();
  }

  function schedule() {
    if (timer || closed) return;
    const wait = backoff;
    backoff = Math.min(maxBackoff, backoff * 2);
    timer = setTimeout(() => {
      timer = null;
      // A failure is reported through lost(), which schedules the next attempt.
      connect().catch(() => {});
    }, wait);
    timer.unref();
  }

  const ready = connect();
  // The first connection failing is the caller's to report (app start-up fails); later ones retry.
  ready.catch(() => {});

  return {
    ready,
    pid: () => backendPid,
    nextConnection: () => new Promise<void>((resolve) => waiters.push(resolve)),
    async sync() {
      const c = client;
      if (!c || backendPid === null) throw new Error('cache listener is not connected');
      const marker = `${SYNC_PREFIX}${randomBytes(9).toString('base64url')}`;
      const seen = new Promise<void>((resolve) => markers.set(marker, resolve));
      await notify(c, marker);
      await seen;
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      const c = client;
      client = null;
      backendPid = null;
      await endQuietly(c);
    },
  };
}
