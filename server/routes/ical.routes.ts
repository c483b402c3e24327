// Calendar feeds under /ical (outside /api: calendar apps subscribe to these addresses) and the
// rotation of the private feed's address under /api. HTTP only: the service builds the feed and its
// validators; here they become ETag / Last-Modified / 304 / Cache-Control / Content-Disposition. The
// public feeds come through the read cache (modules/cache), the private one never does.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Feed } from '../modules/calendars/calendars.service.ts';
import { TokenParams } from '../modules/registrations/registrations.schemas.ts';
import { ErrorSchema } from './common.schemas.ts';
import { matchesEtag } from './http-cache.ts';

const Download = z.enum(['1', 'true', '0', 'false']).optional();
// The language of a public feed comes from its address only (?lang=en), never from Accept-Language:
// the same URL must give the same bytes to every calendar app, and caches need no Vary.
const PublicQuery = z.object({ download: Download, lang: z.enum(['it', 'en']).optional() });
const PrivateQuery = z.object({ download: Download });
const Calendar = z.string().describe('text/calendar (RFC 5545)');

/** True when the client's copy is current (If-None-Match first; If-Modified-Since only without it). */
function isFresh(req: FastifyRequest, feed: Feed): boolean {
  const inm = req.headers['if-none-match'];
  if (typeof inm === 'string' && inm.length > 0) return matchesEtag(inm, feed.etag);
  const ims = req.headers['if-modified-since'];
  if (typeof ims === 'string' && feed.lastModified) {
    const since = Date.parse(ims);
    // HTTP dates have whole seconds; the database has microseconds.
    if (!Number.isNaN(since)) return Math.floor(feed.lastModified.getTime() / 1000) * 1000 <= since;
  }
  return false;
}

function send(req: FastifyRequest, reply: FastifyReply, feed: Feed, download: string | undefined) {
  reply.header('etag', feed.etag);
  if (feed.lastModified) reply.header('last-modified', feed.lastModified.toUTCString());
  reply.header('cache-control', `${feed.private ? 'private' : 'public'}, max-age=300`);
  // The private feed's address is a secret: keep it out of search engines and Referer headers.
  if (feed.private) reply.header('x-robots-tag', 'noindex').header('referrer-policy', 'no-referrer');
  if (isFresh(req, feed)) return reply.code(304).send();
  if (download === '1' || download === 'true') {
    reply.header('content-disposition', `attachment; filename="${feed.filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`);
  }
  return reply.type('text/calendar; charset=utf-8').send(feed.render());
}

const icalRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/cycles/:slug.ics',
    {
      schema: {
        tags: ['calendars'],
        summary: 'Every session of a published cycle (?download=1 for a one-off file)',
        params: z.object({ slug: z.string().min(1).max(200) }),
        querystring: PublicQuery,
        response: { 200: Calendar, 404: ErrorSchema },
      },
    },
    async (req, reply) => send(req, reply, await app.services.reads.cycleFeed(req.params.slug, req.query.lang ?? 'it'), req.query.download),
  );

  app.get(
    '/catalogue.ics',
    {
      schema: {
        tags: ['calendars'],
        summary: 'Every session of every published upcoming cycle, optionally of one theme',
        querystring: PublicQuery.extend({ theme: z.string().min(1).max(80).optional() }),
        response: { 200: Calendar, 404: ErrorSchema },
      },
    },
    async (req, reply) =>
      send(req, reply, await app.services.reads.catalogueFeed({ themeSlug: req.query.theme, locale: req.query.lang ?? 'it' }), req.query.download),
  );

  app.get(
    '/registrations/:token.ics',
    {
      schema: {
        tags: ['calendars'],
        summary: 'Private feed of one registration (its calendar token); cancelled meetings stay, marked cancelled',
        params: TokenParams,
        querystring: PrivateQuery,
        response: { 200: Calendar, 404: ErrorSchema },
      },
    },
    async (req, reply) => send(req, reply, await app.services.calendars.registrationFeed(req.params.token), req.query.download),
  );
};
export default icalRoutes;

/** Registered inside the /api prefix. */
export const calendarTokenRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/registrations/:token/calendar-token',
    {
      schema: {
        tags: ['public'],
        summary: 'New private calendar address (manage token in the URL); the old one stops working',
        params: TokenParams,
        response: { 200: z.object({ calendarUrl: z.string(), webcalUrl: z.string() }), 404: ErrorSchema },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'private, no-store');
      return app.services.calendars.rotateCalendarToken(req.params.token);
    },
  );
};
