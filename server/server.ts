// The only entry point: load config, start the embedded PostgreSQL if DATABASE_URL is unset, migrate,
// seed the demo programme on an empty database, listen, and close cleanly on SIGINT/SIGTERM (HTTP
// first, then the pool, then the embedded database, so no postgres process is left behind).
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../db/embedded.ts';
import { migrateToLatest } from '../db/migrate.ts';
import type { Database } from '../db/schema.ts';
import { seedDemoIfEmpty } from '../db/seeds/demo.ts';
import { buildApp, LISTEN_BACKLOG } from './app.ts';
import { loadConfigOrExit, type Config } from './config.ts';
import { loadOrCreateSecret } from './lib/secret.ts';
import { ensureBootstrapAdministrator } from './modules/accounts/accounts.service.ts';
import { migrateQueue } from './modules/mail/mail.migrate.ts';
import { startMailWorker, type MailWorker } from './modules/mail/mail.worker.ts';
import { backgroundJobs } from './modules/privacy/privacy.jobs.ts';
import { ensureNotice } from './modules/privacy/privacy.repository.ts';

async function prepareDatabase(config: Config, url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    const applied = await migrateToLatest(db);
    if (applied.length) console.log(`officina: migrations applied: ${applied.join(', ')}`);
    // The mail queue's own schema (graphile-worker), after ours.
    await migrateQueue({ pgPool: pool });
    // Consents name the notice version they accepted (a foreign key): make sure this one is on record.
    await ensureNotice(db, config.privacyVersion, new Date());
    if (config.adminEmail && config.adminPassword) {
      const admin = await ensureBootstrapAdministrator(db, config.adminEmail, config.adminPassword);
      console.log(
        admin.created
          ? `officina: administrator ${config.adminEmail} created from ADMIN_PASSWORD`
          : `officina: administrator ${config.adminEmail} already exists: ADMIN_PASSWORD left unused (to reset its password: npm run admin -- reset --email ${config.adminEmail})`,
      );
    }
    if (config.demoData) {
      const seeded = await seedDemoIfEmpty(db, new Date());
      if (seeded) console.log(`officina: demo programme loaded (${seeded} cycles)`);
    }
  } finally {
    await db.destroy();
  }
}

async function main() {
  const config = loadConfigOrExit('officina');

  let embedded: EmbeddedDatabase | null = null;
  if (!config.databaseUrl) {
    embedded = await startEmbeddedPostgres(config.dataDir);
    console.log(`officina: embedded PostgreSQL on 127.0.0.1:${embedded.port}, data in ${config.dataDir}/pg`);
  }
  const databaseUrl = config.databaseUrl ?? embedded!.url;

  let closing = false;
  let app: Awaited<ReturnType<typeof buildApp>> | null = null;
  let mailWorker: MailWorker | null = null;
  const shutdown = async (signal: string, code = 0) => {
    if (closing) return;
    closing = true;
    console.log(`officina: ${signal} received, closing`);
    const force = setTimeout(() => process.exit(code || 1), 20_000);
    force.unref();
    try {
      // Running mail jobs finish and are recorded before the pools close; queued ones wait for next start.
      await mailWorker?.stop();
    } catch (err) {
      console.error('officina: error while stopping the mail worker', err);
    }
    try {
      await app?.close();
    } catch (err) {
      console.error('officina: error while closing HTTP', err);
    }
    try {
      await embedded?.stop();
    } catch (err) {
      console.error('officina: error while stopping PostgreSQL', err);
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('uncaughtException', (err) => {
    console.error('officina: uncaught exception', err);
    void shutdown('uncaughtException', 1);
  });

  try {
    await prepareDatabase(config, databaseUrl);
    const secretKey = loadOrCreateSecret(config);
    app = await buildApp({ config, databaseUrl, web: config.serveWeb, secretKey });
    await app.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG });
    if (config.mailWorker) {
      const log = app.log;
      mailWorker = await startMailWorker({
        config,
        databaseUrl,
        secretKey,
        // Certificates at the end of each cycle, retention of personal data: same runner, cron-scheduled.
        ...backgroundJobs(config, secretKey),
        // A crowd of sign-ups gets its answers first; its mails follow once it is quiet.
        yieldTo: app.signupActivity.whenMailMayRun,
        log: (level, message) => (level === 'error' ? log.error(message) : level === 'warning' ? log.warn(message) : log.debug(message)),
      });
      console.log(`officina: mail worker running (${config.smtpUrl ? 'SMTP' : `outbox ${path.join(config.dataDir, 'mail')}, see /dev/mail`})`);
      if (config.isProduction && !config.smtpUrl) console.warn('officina: SMTP_URL is not set: mail is only written to DATA_DIR/mail');
    }
    console.log(`officina: ready on ${config.publicUrl}`);
  } catch (err) {
    console.error(`officina: start-up failed: ${err instanceof Error ? err.message : String(err)}`);
    await shutdown('start-up failure', 1);
  }
}

void main();
