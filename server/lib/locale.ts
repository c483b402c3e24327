// The language of a request: ?lang= first, then the officina_lang cookie the site sets, then
// Accept-Language; Italian when nothing says otherwise.
import type { FastifyRequest } from 'fastify';
import type { Locale } from '../../db/schema.ts';

export function requestLocale(req: FastifyRequest): Locale {
  const q = (req.query as Record<string, unknown> | undefined)?.lang;
  if (q === 'it' || q === 'en') return q;
  const cookie = req.headers.cookie?.match(/(?:^|;\s*)officina_lang=(it|en)\b/)?.[1];
  if (cookie === 'it' || cookie === 'en') return cookie;
  const accept = req.headers['accept-language'];
  if (typeof accept === 'string') {
    for (const part of accept.split(',')) {
      const tag = part.trim().slice(0, 2).toLowerCase();
      if (tag === 'it' || tag === 'en') return tag;
    }
  }
  return 'it';
}
