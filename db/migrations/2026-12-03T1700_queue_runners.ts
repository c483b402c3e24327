// Liveness of the job runners (graphile-worker pools) that share this database, so a runner that died
// without a goodbye (SIGKILL, crash, OOM, power) has its jobs released in seconds rather than after
// graphile-worker's 4-hour lock timeout. See server/jobs/jobs.liveness.ts.
// Frozen in time: never import application code here, never edit after it has shipped; add a new file.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- One row per running runner: its graphile-worker worker ids (the values of jobs.locked_by), written
    -- before any of them takes a job, and a heartbeat. A locked_by that no row lists belongs to a runner
    -- that is gone; a row whose heartbeat is old (by the database's clock) is a runner that died.
    CREATE TABLE queue_runners (
      runner_id text PRIMARY KEY,
      worker_ids text[] NOT NULL DEFAULT '{}',
      -- For people reading the table, and for the fast path: a runner on the same machine and in the
      -- same process namespace (host_key) whose pid is gone, or is a newer process, is dead at once.
      host text NOT NULL,
      host_key text,
      pid integer NOT NULL,
      pid_started text,
      started_at timestamptz NOT NULL DEFAULT now(),
      beat_at timestamptz NOT NULL DEFAULT now()
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE queue_runners`.execute(db);
}
