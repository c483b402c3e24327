// This process' own writes are visible to its very next read, without waiting for the database's
// notification to travel back through the listener (a few milliseconds in which a cached entry could
// still be served to the writer itself: an organiser saving a session and reloading the page, a test
// calling a service and then the API). A pooled connection that sent a write to one of the tables the
// public reads are made of drops the cache when it goes back to the pool: by then its transaction has
// committed (or rolled back, which costs one needless recomputation).
import type pg from 'pg';
import type { ReadCache } from './cache.service.ts';

/** INSERT/UPDATE/DELETE on a table the public views read (the same tables the notify triggers watch). */
const PUBLIC_WRITE = /\b(?:insert\s+into|update|delete\s+from)\s+"?(?:cycles|sessions|materials|registrations|themes)"?[\s(]/i;

const wrote = new WeakSet<pg.PoolClient>();

export function invalidateOnLocalWrites(pool: pg.Pool, cache: ReadCache): void {
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const q = args[0];
      const text = typeof q === 'string' ? q : (q as { text?: unknown } | null)?.text;
      if (typeof text === 'string' && PUBLIC_WRITE.test(text)) wrote.add(client);
      return query(...args);
    };
  });
  pool.on('release', (_err, client) => {
    if (!wrote.delete(client)) return;
    cache.clear();
  });
}
