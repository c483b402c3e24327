// PostgreSQL through @fastify/postgres (one pool, closed with the app) and Kysely on top of that pool.
// Kysely is not destroyed separately: fastify.close() ends the pool once (STACK.md pitfall).
import fastifyPostgres from '@fastify/postgres';
import fp from 'fastify-plugin';
import { Kysely, PostgresDialect } from 'kysely';
import type { Database } from '../../db/schema.ts';

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
    // An idle pooled connection that the server drops (PostgreSQL restarted, a failover, a proxy's
    // idle timeout) is emitted as 'error' on the pool; with no listener that is an uncaught exception
    // and server.ts shuts the whole process down. The pool has already discarded that client and opens
    // a new one on the next query, so a warning is all it deserves.
    app.pg.pool.on('error', (err) => app.log.warn({ err }, 'idle database connection lost'));
    app.decorate('db', new Kysely<Database>({ dialect: new PostgresDialect({ pool: app.pg.pool }) }));
  },
  { name: 'db' },
);
