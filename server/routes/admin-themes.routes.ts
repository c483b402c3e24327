// Organiser API: themes. Every organiser reads them (a cycle belongs to one); administrators create,
// change and delete them. A fresh production install has none, and no cycle can be created without one.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestLocale } from '../lib/locale.ts';
import { CreateThemeBody, ThemeListSchema, ThemeParams, ThemeSchema, UpdateThemeBody } from '../modules/themes/themes.schemas.ts';
import { accessDenied, adminTags, ErrorSchema } from './common.schemas.ts';

const adminThemesRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/themes',
    {
      config: { access: 'any' },
      schema: {
        tags: adminTags,
        summary: 'Themes a cycle can belong to, with how many cycles each has',
        querystring: z.object({ lang: z.enum(['it', 'en']).optional() }),
        response: { 200: ThemeListSchema, 401: ErrorSchema },
      },
    },
    async (req) => ({ items: await app.services.themes.list(requestLocale(req)) }),
  );

  app.post(
    '/themes',
    {
      config: { access: 'administrator' },
      schema: {
        tags: adminTags,
        summary: 'Create a theme (administrators); without a position it goes last',
        body: CreateThemeBody,
        response: { 201: ThemeSchema, 400: ErrorSchema, 409: ErrorSchema, ...accessDenied },
      },
    },
    async (req, reply) => reply.code(201).send(await app.services.themes.create(req.body, requestLocale(req))),
  );

  app.patch(
    '/themes/:slug',
    {
      config: { access: 'administrator' },
      schema: {
        tags: adminTags,
        summary: 'Rename or reorder a theme (administrators); its slug changes only while no cycle belongs to it (409 theme_in_use)',
        params: ThemeParams,
        body: UpdateThemeBody,
        response: { 200: ThemeSchema, 400: ErrorSchema, 409: ErrorSchema, ...accessDenied },
      },
    },
    async (req) => app.services.themes.update(req.params.slug, req.body, requestLocale(req)),
  );

  app.delete(
    '/themes/:slug',
    {
      config: { access: 'administrator' },
      schema: {
        tags: adminTags,
        summary: 'Delete a theme no cycle belongs to, drafts included (administrators); 409 theme_in_use otherwise',
        params: ThemeParams,
        response: { 204: z.null(), 409: ErrorSchema, ...accessDenied },
      },
    },
    async (req, reply) => {
      await app.services.themes.remove(req.params.slug);
      return reply.code(204).send(null);
    },
  );
};
export default adminThemesRoutes;
