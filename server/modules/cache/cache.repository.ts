// The statements of the read cache's invalidation across processes: the channel the database's triggers
// notify (migration 2026-12-03T1500_cache_notify), listening to it, and a marker sent on it. Raw pg, not
// Kysely: LISTEN belongs to one session, so they run on the listener's own dedicated client
// (cache.listener.ts), never on a pooled connection that is handed to others.
import type pg from 'pg';

export const CACHE_CHANNEL = 'officina_cache';

export type ListenerExecutor = Pick<pg.Client, 'query'>;

/** Starts receiving the channel's notifications on this session; returns the session's backend pid. */
export async function listen(db: ListenerExecutor): Promise<number> {
  await db.query(`LISTEN ${CACHE_CHANNEL}`);
  const res = await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return res.rows[0]!.pid;
}

/** Sends `payload` on the channel: every listening process, this one included, receives it. */
export async function notify(db: ListenerExecutor, payload: string): Promise<void> {
  await db.query('SELECT pg_notify($1, $2)', [CACHE_CHANNEL, payload]);
}
