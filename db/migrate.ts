// Applies pending migrations. Used at start-up by server/server.ts and alone by `npm run db:migrate`
// (which migrates DATABASE_URL, or the embedded database under DATA_DIR when it is unset). Alone, it is
// a deployment step (a unit's ExecStartPre, a release job): its lines are pino's JSON like the server's.
import { Kysely, Migrator, PostgresDialect, type MigrationResultSet } from 'kysely';
import pg from 'pg';
import { processLogger } from '../server/lib/log.ts';
import { surviveConnectionLoss } from '../server/lib/pool-errors.ts';
import { migrations } from './migrations/index.ts';

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
  });
  const result: MigrationResultSet = await migrator.migrateToLatest();
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
