// The public catalogue, a cycle's detail and the themes: answered from the read cache (modules/cache)
// with an ETag, so a client holding the current copy gets 304.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requestLocale } from '../lib/locale.ts';
import { CatalogueSchema, CycleDetailSchema, ThemesSchema } from '../modules/cache/cache.reads.ts';
import { CycleListQuery, SlugParams } from '../modules/cycles/cycles.schemas.ts';
import { ErrorSchema } from './common.schemas.ts';
import { sendCachedJson } from './http-cache.ts';

const cyclesRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/cycles',
    {
      schema: {
        tags: ['public'],
        summary: 'Catalogue of published cycles',
        querystring: CycleListQuery,
        response: { 200: CatalogueSchema, 400: ErrorSchema },
      },
    },
    async (req, reply) =>
      sendCachedJson(req, reply, await app.services.reads.catalogue({ when: req.query.when, themeSlug: req.query.theme, locale: requestLocale(req) })),
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
    async (req, reply) => sendCachedJson(req, reply, await app.services.reads.cycle(req.params.slug, requestLocale(req))),
  );

  app.get(
    '/themes',
    {
      schema: {
        tags: ['public'],
        summary: 'Themes of the programme',
        response: { 200: ThemesSchema },
      },
    },
    async (req, reply) => sendCachedJson(req, reply, await app.services.reads.themes(requestLocale(req))),
  );
};
export default cyclesRoutes;
