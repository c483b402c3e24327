// How `npm run backup` and `npm run restore` reach the database: the server's own configuration.
// DATABASE_URL when set; otherwise the embedded cluster in DATA_DIR — the running server's when it runs
// (a backup is taken beside it), else started for the duration of the command.
import pg from 'pg';
import { runningEmbeddedUrl, startEmbeddedPostgres } from '../../../db/embedded.ts';
import type { Config } from '../../config.ts';
import { surviveConnectionLoss } from '../../lib/pool-errors.ts';
import { msg } from '../../lib/i18n.ts';
import { BackupError } from './backup.errors.ts';
import { otherClients } from './backup.repository.ts';

export interface Connection {
  url: string;
  pool: pg.Pool;
  close(): Promise<void>;
}

/**
 * pg-pool's end() resolves before its connections have said goodbye; stopping the embedded PostgreSQL
 * right after then ends them with "terminating connection due to administrator command", which is no
 * news once the command is done: only losses before closing are reported.
 */
function poolFor(url: string): { pool: pg.Pool; end(): Promise<void> } {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  let ending = false;
  surviveConnectionLoss(pool, (message, err) => {
    if (!ending) console.error(`${message}: ${err.message}`);
  });
  return {
    pool,
    end: () => {
      ending = true;
      return pool.end();
    },
  };
}

/** For a backup: the running server's database is fine (one snapshot keeps the dump consistent). */
export async function connectForBackup(config: Config): Promise<Connection> {
  if (config.databaseUrl) return plain(config.databaseUrl);
  const running = runningEmbeddedUrl(config.dataDir);
  if (running) return plain(running.url);
  const embedded = await startEmbeddedPostgres(config.dataDir);
  const { pool, end } = poolFor(embedded.url);
  return {
    url: embedded.url,
    pool,
    async close() {
      await end();
      await embedded.stop();
    },
  };
}

/**
 * For a restore, which replaces everything: refused while the app (or anything else) is connected to
 * the database, since its caches, sessions and queue would go on from the old rows.
 */
export async function connectForRestore(config: Config): Promise<Connection> {
  if (!config.databaseUrl) {
    const running = runningEmbeddedUrl(config.dataDir);
    if (running) {
      throw new BackupError(msg('backup_officina_running', { dir: `${config.dataDir}/pg`, pid: running.ownerPid }));
    }
  }
  const conn = config.databaseUrl ? plain(config.databaseUrl) : await connectForBackup(config);
  try {
    const others = await otherClients(conn.pool);
    if (others.n > 0) {
      throw new BackupError(msg('backup_database_in_use', { count: others.n, names: others.names }));
    }
  } catch (err) {
    await conn.close();
    throw err;
  }
  return conn;
}

function plain(url: string): Connection {
  const { pool, end } = poolFor(url);
  return { url, pool, close: end };
}
