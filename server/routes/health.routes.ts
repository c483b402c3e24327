import { sql } from 'kysely';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

const Health = z.object({ status: z.enum(['ok', 'degraded']) });

const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/health',
    { schema: { tags: ['public'], summary: 'Liveness and database reachability', response: { 200: Health, 503: Health } } },
    async (_req, reply) => {
      try {
        await Promise.race([
          sql`SELECT 1`.execute(app.db),
          new Promise((_, reject) => setTimeout(() => reject(new Error('database timeout')), 2_000).unref()),
        ]);
        return { status: 'ok' as const };
      } catch (err) {
        app.log.warn({ err }, 'health check: database unreachable');
        return reply.code(503).send({ status: 'degraded' as const });
      }
    },
  );
};
export default healthRoutes;
