// `npm run worker`: the mail worker alone, for deployments that run it apart from the web processes
// (then start those with MAIL_WORKER=0). Any number may run against one database: graphile-worker
// claims each job with SKIP LOCKED and the send log stops a second delivery of the same message.
// Without DATABASE_URL it starts the embedded PostgreSQL under DATA_DIR, which only works while no
// server holds it; point it at the server's database with DATABASE_URL.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../db/embedded.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { loadConfigOrExit } from './config.ts';
import { surviveConnectionLoss, surviveDatabaseRejections } from './lib/pool-errors.ts';
import { loadOrCreateSecret } from './lib/secret.ts';
import { migrateQueue } from './modules/mail/mail.migrate.ts';
import { startMailWorker, type MailWorker } from './modules/mail/mail.worker.ts';
import { backgroundJobs } from './modules/privacy/privacy.jobs.ts';

async function main() {
  const config = loadConfigOrExit('officina worker');
  surviveDatabaseRejections('officina worker');

  let embedded: EmbeddedDatabase | null = null;
  let worker: MailWorker | null = null;
  let closing = false;
  const shutdown = async (signal: string, code = 0) => {
    if (closing) return;
    closing = true;
    console.log(`officina worker: ${signal} received, finishing the running jobs`);
    const force = setTimeout(() => process.exit(code || 1), 30_000);
    force.unref();
    try {
      await worker?.stop();
    } catch (err) {
      console.error('officina worker: error while stopping', err);
    }
    await embedded?.stop().catch((err: unknown) => console.error('officina worker: error while stopping PostgreSQL', err));
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    if (!config.databaseUrl) embedded = await startEmbeddedPostgres(config.dataDir);
    const databaseUrl = config.databaseUrl ?? embedded!.url;
    // Same schema as the server expects, whichever process starts first.
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
    surviveConnectionLoss(pool, (message, err) => console.error(`officina worker: ${message}: ${err.message}`));
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
    try {
      await migrateToLatest(db);
      await migrateQueue({ pgPool: pool });
    } finally {
      await db.destroy();
    }
    worker = await startMailWorker({
      config,
      databaseUrl,
      secretKey: loadOrCreateSecret(config),
      // Certificates at the end of each cycle, retention of personal data: same runner, cron-scheduled.
      ...backgroundJobs(config, loadOrCreateSecret(config)),
      log: (level, message) => {
        if (level === 'error') console.error(`officina worker: ${message}`);
        else if (level === 'warning') console.warn(`officina worker: ${message}`);
        else if (config.logLevel === 'debug' || config.logLevel === 'trace') console.log(`officina worker: ${message}`);
      },
    });
    console.log(
      `officina worker: sending mail (${config.smtpUrl ? 'SMTP' : `outbox ${config.dataDir}/mail`}), concurrency ${config.mailConcurrency}, pid ${process.pid}`,
    );
  } catch (err) {
    console.error(`officina worker: start-up failed: ${err instanceof Error ? err.message : String(err)}`);
    await shutdown('start-up failure', 1);
  }
}

void main();
