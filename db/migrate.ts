// Applies pending migrations. Used at start-up by server/server.ts and alone by `npm run db:migrate`
// (which migrates DATABASE_URL, or the embedded database under DATA_DIR when it is unset). Alone, it is
// a deployment step (a unit's ExecStartPre, a release job): its lines are pino's JSON like the server's.
import { Kysely, PostgresDialect } from 'kysely';
import { Migrator, type MigrationResultSet } from 'kysely/migration';
import pg from 'pg';
import { processLogger } from '../server/lib/log.ts';
import { surviveConnectionLoss } from '../server/lib/pool-errors.ts';
import { migrations } from './migrations/index.ts';

/** The names of this code's migrations, oldest first (the order Kysely applies them). */
export const migrationNames = (): string[] => Object.keys(migrations).sort();

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  return outcome(await migratorOf(db).migrateToLatest());
}

/** Up to and including `name` (a restore brings an empty database to its archive's schema). */
export async function migrateTo(db: Kysely<any>, name: string): Promise<string[]> {
  return outcome(await migratorOf(db).migrateTo(name));
}

function migratorOf(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

function outcome(result: MigrationResultSet): string[] {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const err = result.error instanceof Error ? result.error : new Error(String(result.error));
    err.message = `migration ${failed?.migrationName ?? '?'} failed: ${err.message}`;
    throw err;
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

const log = processLogger('officina db:migrate');

async function main() {
  const { loadConfig } = await import('../server/config.ts');
  const { startEmbeddedPostgres } = await import('./embedded.ts');
  const config = loadConfig();
  const embedded = config.databaseUrl ? null : await startEmbeddedPostgres(config.dataDir);
  const pool = new pg.Pool({ connectionString: config.databaseUrl ?? embedded!.url, max: 1 });
  surviveConnectionLoss(pool, (message, err) => log.error(`${message}: ${err.message}`));
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
  try {
    const applied = await migrateToLatest(db);
    log.info(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
  } finally {
    await db.destroy();
    await embedded?.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    log.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
