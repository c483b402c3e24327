import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestLocale } from '../lib/locale.ts';
import { CycleDetailSchema, CycleListQuery, CycleSchema, SlugParams } from '../modules/cycles/cycles.schemas.ts';
import { ErrorSchema } from './common.schemas.ts';

const cyclesRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/cycles',
    {
      schema: {
        tags: ['public'],
        summary: 'Catalogue of published cycles',
        querystring: CycleListQuery,
        response: { 200: z.object({ items: z.array(CycleSchema) }), 400: ErrorSchema },
      },
    },
    async (req) => ({
      items: await app.services.cycles.list({ when: req.query.when, themeSlug: req.query.theme, locale: requestLocale(req) }),
    }),
  );

  app.get(
    '/cycles/:slug',
    {
      schema: {
        tags: ['public'],
        summary: 'One published cycle with its sessions and public materials',
        params: SlugParams,
        response: { 200: CycleDetailSchema, 404: ErrorSchema },
      },
    },
    async (req) => app.services.cycles.getBySlug(req.params.slug, requestLocale(req)),
  );

  app.get(
    '/themes',
    {
      schema: {
        tags: ['public'],
        summary: 'Themes of the programme',
        response: { 200: z.object({ items: z.array(z.object({ slug: z.string(), name: z.string() })) }) },
      },
    },
    async (req) => ({ items: await app.services.cycles.themes(requestLocale(req)) }),
  );
};
export default cyclesRoutes;
