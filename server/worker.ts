// `npm run worker`: the job runner alone (server/jobs: mail, reminders, retention, certificates), for
// deployments that run it apart from the web processes (then start those with MAIL_WORKER=0). Any number may run against one database: graphile-worker
// claims each job with SKIP LOCKED and the send log stops a second delivery of the same message.
// Without DATABASE_URL it starts the embedded PostgreSQL under DATA_DIR, which only works while no
// server holds it; point it at the server's database with DATABASE_URL.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../db/embedded.ts';
import { migrateToLatest } from '../db/migrate.ts';
import type { Database } from '../db/schema.ts';
import { loadConfigOrExit } from './config.ts';
import { processLogger } from './lib/log.ts';
import { surviveConnectionLoss, surviveDatabaseRejections } from './lib/pool-errors.ts';
import { loadOrCreateSecret } from './lib/secret.ts';
import { migrateQueue } from './jobs/jobs.migrate.ts';
import { startJobRunner, type JobRunner } from './jobs/jobs.runner.ts';

async function main() {
  const config = loadConfigOrExit('officina worker');
  const log = processLogger('officina worker', config.logLevel);
  surviveDatabaseRejections(log);

  let embedded: EmbeddedDatabase | null = null;
  let worker: JobRunner | null = null;
  let closing = false;
  const shutdown = async (signal: string, code = 0) => {
    if (closing) return;
    closing = true;
    log.info(`${signal} received, finishing the running jobs`);
    const force = setTimeout(() => process.exit(code || 1), 30_000);
    force.unref();
    try {
      await worker?.stop();
    } catch (err) {
      log.error({ err }, 'error while stopping');
    }
    await embedded?.stop().catch((err: unknown) => log.error({ err }, 'error while stopping PostgreSQL'));
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    if (!config.databaseUrl) embedded = await startEmbeddedPostgres(config.dataDir);
    const databaseUrl = config.databaseUrl ?? embedded!.url;
    // Same schema as the server expects, whichever process starts first.
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
    surviveConnectionLoss(pool, (message, err) => log.error(`${message}: ${err.message}`));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    try {
      await migrateToLatest(db);
      await migrateQueue({ pgPool: pool });
    } finally {
      await db.destroy();
    }
    const secretKey = loadOrCreateSecret(config);
    // Every task of server/jobs/jobs.tasks.ts: mail, reminders, retention, certificates.
    worker = await startJobRunner({
      config,
      databaseUrl,
      secretKey,
      log: (level, message) => (level === 'error' ? log.error(message) : level === 'warning' ? log.warn(message) : log.debug(message)),
    });
    log.info(`sending mail (${config.smtpUrl ? 'SMTP' : `outbox ${config.dataDir}/mail`}), concurrency ${config.mailConcurrency}, pid ${process.pid}`);
  } catch (err) {
    log.error(`start-up failed: ${err instanceof Error ? err.message : String(err)}`);
    await shutdown('start-up failure', 1);
  }
}

void main();
