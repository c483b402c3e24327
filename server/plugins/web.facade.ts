// The public reads the pages make, called in-process through the read cache instead of an HTTP round
// trip (app.inject: headers, routing, JSON out and back in). Each method answers exactly what its route
// answers: the same input schema decides what is valid, the same cached, schema-encoded value is
// returned (frozen: every reader shares it), the same AppError becomes the same {status, code, message}.
// Anything else (input the schema refuses, the database unavailable) is handed to the route itself
// through app.inject, so its answer (400 naming the field, 503 with Retry-After) is the route's own.
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { Locale } from '../../db/schema.ts';
import { AppError } from '../lib/errors.ts';
import { text } from '../lib/i18n.ts';
import type { CatalogueSchema, CycleDetailSchema, ThemesSchema } from '../modules/cache/cache.reads.ts';
import { CycleListQuery, SlugParams } from '../modules/cycles/cycles.schemas.ts';

export type FacadeResult<T> =
  { ok: true; value: T } | { ok: false; status: number; code: string; message: string; fields?: { field: string; message: string }[]; reason?: string };

export interface WebFacade {
  cycles: {
    /** GET /api/cycles?when&theme */
    list(query: { when?: string; theme?: string }, locale: Locale): Promise<FacadeResult<z.output<typeof CatalogueSchema>>>;
    /** GET /api/cycles/:slug */
    get(slug: string, locale: Locale): Promise<FacadeResult<z.output<typeof CycleDetailSchema>>>;
    /** GET /api/themes */
    themes(locale: Locale): Promise<FacadeResult<z.output<typeof ThemesSchema>>>;
  };
}

export function webFacade(app: FastifyInstance): WebFacade {
  /** The route's own answer, for whatever the facade does not answer itself. */
  async function viaRoute<T>(url: string, locale: Locale): Promise<FacadeResult<T>> {
    const res = await app.inject({ method: 'GET', url, headers: { accept: 'application/json', 'accept-language': locale, cookie: `officina_lang=${locale}` } });
    const body = res.json();
    if (res.statusCode < 400) return { ok: true, value: body as T };
    return { ok: false, status: res.statusCode, ...body };
  }

  async function answer<T>(read: () => Promise<{ value: T }>, url: string, locale: Locale): Promise<FacadeResult<T>> {
    try {
      return { ok: true, value: (await read()).value };
    } catch (err) {
      if (err instanceof AppError) return { ok: false, status: err.statusCode, code: err.code, message: text(locale, err.text), ...err.details };
      return viaRoute<T>(url, locale);
    }
  }

  return {
    cycles: {
      list(query, locale) {
        const search = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => typeof e[1] === 'string'));
        const url = `/api/cycles?${search}`;
        const q = CycleListQuery.safeParse(query);
        if (!q.success) return viaRoute(url, locale);
        return answer(() => app.services.reads.catalogue({ when: q.data.when, themeSlug: q.data.theme, locale }), url, locale);
      },
      get(slug, locale) {
        const url = `/api/cycles/${encodeURIComponent(slug)}`;
        const p = SlugParams.safeParse({ slug });
        if (!p.success) return viaRoute(url, locale);
        return answer(() => app.services.reads.cycle(p.data.slug, locale), url, locale);
      },
      themes(locale) {
        return answer(() => app.services.reads.themes(locale), '/api/themes', locale);
      },
    },
  };
}
