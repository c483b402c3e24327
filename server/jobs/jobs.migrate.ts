// graphile-worker keeps the job queue in its own schema (graphile_worker) and migrates it itself. Run
// after our Kysely migrations at start-up (server.ts, worker.ts), by backups (the schema's version) and
// for every test database.
import { Logger, runMigrations } from 'graphile-worker';
import type pg from 'pg';

export type LogLine = (level: 'error' | 'warning' | 'info' | 'debug', message: string) => void;

/** A graphile-worker logger that forwards to `line`; silent when no line is given. */
export function workerLogger(line?: LogLine): Logger {
  return new Logger(() => (level, message) => line?.(level as Parameters<LogLine>[0], message));
}

export async function migrateQueue(connection: { pgPool: pg.Pool } | { connectionString: string }, line?: LogLine): Promise<void> {
  await runMigrations({ ...connection, logger: workerLogger(line) });
}
