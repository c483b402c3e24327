// A PostgreSQL restart, a failover or a proxy's idle timeout kills pooled connections. pg-pool listens for
// 'error' only on IDLE clients; a connection that dies while checked out (a query running, a transaction
// open) emits 'error' on its client with nobody listening, which Node turns into an uncaught exception that
// ends the process (issue "faults", docs/decisions.md). The query that was running already fails with its
// own error (mapped to 503 by the errors plugin), and pg-pool discards the broken client when it is
// released, so a log line is all either event deserves.
import type pg from 'pg';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from './db-faults.ts';

type Log = (message: string, err: Error) => void;

export function surviveConnectionLoss(pool: pg.Pool, log: Log): pg.Pool {
  pool.on('error', (err) => log('idle database connection lost', err));
  pool.on('connect', (client) => {
    client.on('error', (err) => log('database connection lost while in use', err));
  });
  return pool;
}

/**
 * A database outage that reaches no caller must not end the process (docs/architecture.md rule 11).
 * graphile-worker 0.16.6 is the known case: when its cron can't reach PostgreSQL at a minute's tick it
 * stops its runner, and the promise it derives with `cron.promise.finally()` rejects with nobody listening.
 * Such a rejection is logged; any other one is still raised as the uncaught exception it is.
 */
export function surviveDatabaseRejections(log: Pick<Logger, 'error'>) {
  process.on('unhandledRejection', (reason) => {
    if (reason instanceof Error && isDatabaseUnavailable(reason as Error & { code?: string })) {
      log.error(`database unavailable, in a background task: ${reason.message}`);
      return;
    }
    throw reason;
  });
}
