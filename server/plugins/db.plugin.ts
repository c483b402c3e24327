// PostgreSQL through @fastify/postgres (one pool, closed with the app) and Kysely on top of that pool.
// Kysely is not destroyed separately: fastify.close() ends the pool once (docs/decisions.md).
import fastifyPostgres from '@fastify/postgres';
import fp from 'fastify-plugin';
import { Kysely, PostgresDialect } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { surviveConnectionLoss } from '../lib/pool-errors.ts';

declare module 'fastify' {
  interface FastifyInstance {
    db: Kysely<Database>;
  }
}

export interface DbPluginOptions {
  connectionString: string;
  poolMax?: number;
}

export default fp<DbPluginOptions>(
  async (app, opts) => {
    await app.register(fastifyPostgres, {
      connectionString: opts.connectionString,
      max: opts.poolMax ?? 10,
      // Fail fast instead of queueing forever when the database is gone; health reports it.
      connectionTimeoutMillis: 5_000,
    });
    // Connections lost while idle or in use (PostgreSQL restarted, a failover) are logged, never fatal.
    surviveConnectionLoss(app.pg.pool, (message, err) => app.log.warn({ err }, message));
    app.decorate('db', new Kysely<Database>({ dialect: new PostgresDialect({ pool: app.pg.pool }) }));
  },
  { name: 'db' },
);
