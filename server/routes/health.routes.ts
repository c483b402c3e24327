import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

// `status` is the original field (scripts and probes read it); `database` says what is wrong when it
// is not ok, so "the database is down or restarting" is told apart from a healthy process (issue 12).
const Health = z.object({ status: z.enum(['ok', 'degraded']), database: z.enum(['ok', 'unavailable']) });

const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/health',
    { schema: { tags: ['public'], summary: 'Liveness and database reachability', response: { 200: Health, 503: Health } } },
    async (_req, reply) => {
      try {
        await app.services.health.pingDatabase();
        return { status: 'ok' as const, database: 'ok' as const };
      } catch (err) {
        app.log.warn({ err }, 'health check: database unreachable');
        return reply.code(503).send({ status: 'degraded' as const, database: 'unavailable' as const });
      }
    },
  );
};
export default healthRoutes;
