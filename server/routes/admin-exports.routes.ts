// Organiser API: the attendance sheet as CSV and the numbers behind the console's charts.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestLocale } from '../lib/locale.ts';
import { CycleStatsSchema } from '../modules/stats/stats.schemas.ts';
import { scopeOf } from '../plugins/auth.plugin.ts';
import { accessDenied, adminTags, IdParams, managesCycle } from './common.schemas.ts';

const ExportQuery = z.object({
  /** semicolon for Italian Excel (comma is its decimal mark); comma otherwise. */
  sep: z.enum(['comma', 'semicolon']).default('comma'),
  /** active: confirmed and waiting list; all: cancelled registrations too. */
  include: z.enum(['active', 'all']).default('active'),
  lang: z.enum(['it', 'en']).optional(),
});

const adminExportsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/cycles/:id/export.csv',
    {
      config: managesCycle,
      schema: {
        tags: adminTags,
        summary: 'Registrations with one column per session (present/absent) and the attendance percentage, as CSV',
        params: IdParams,
        querystring: ExportQuery,
        response: { 200: z.string().describe('text/csv, UTF-8 with BOM'), ...accessDenied },
      },
    },
    async (req, reply) => {
      const { filename, body } = await app.services.exports.attendanceCsv(scopeOf(req).cycleId, {
        sep: req.query.sep === 'semicolon' ? ';' : ',',
        include: req.query.include,
        locale: requestLocale(req),
      });
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).send(body);
    },
  );

  app.get(
    '/cycles/:id/stats',
    {
      config: managesCycle,
      schema: {
        tags: adminTags,
        summary: 'Sign-ups over time, attendance per meeting, by territorial network and by organisation',
        params: IdParams,
        response: { 200: CycleStatsSchema, ...accessDenied },
      },
    },
    async (req) => app.services.stats.forCycle(scopeOf(req).cycleId),
  );
};
export default adminExportsRoutes;
