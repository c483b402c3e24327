// Conditional requests (RFC 9110 §13) for answers that carry an ETag: the public feeds and the cached
// JSON reads. HTTP only: the validators themselves come from the services.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CachedJson } from '../modules/cache/cache.reads.ts';

/** If-None-Match uses the weak comparison (RFC 9110 13.1.2): W/"x" matches "x". */
export function matchesEtag(header: string, etag: string): boolean {
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((t) => {
    const v = t.trim();
    return v === '*' || v.replace(/^W\//, '') === bare;
  });
}

/**
 * A cached JSON answer, or 304 when the client holds the same bytes. The body is already serialised
 * through the route's response schema (cache.reads.ts), so it is sent as is. Its language follows
 * Accept-Language and the officina_lang cookie, hence Vary; no-cache: a copy is revalidated every time,
 * since seat counts move by the second.
 */
export function sendCachedJson<V>(req: FastifyRequest, reply: FastifyReply, answer: CachedJson<V>) {
  reply.header('etag', answer.etag).header('cache-control', 'public, no-cache').header('vary', 'accept-language, cookie');
  const inm = req.headers['if-none-match'];
  if (typeof inm === 'string' && inm.length > 0 && matchesEtag(inm, answer.etag)) return reply.code(304).send();
  return reply.type('application/json; charset=utf-8').send(answer.body);
}
