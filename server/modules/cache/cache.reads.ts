// The public reads everyone makes, served from the read cache: the catalogue, a cycle's detail, the
// themes and the public calendar feeds. The values are exactly what the routes answer: the services'
// views passed through the routes' response schemas (so nothing that is not whitelisted is cached or
// served), serialised once per computation with a strong ETag over the bytes. Only public views are
// cached here; anything that depends on who asks (a registration, the console) never comes through.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Locale } from '../../../db/schema.ts';
import { calendarLinks, cycleFeedUrl } from '../../lib/calendar.links.ts';
import { t } from '../../lib/i18n.ts';
import { CalendarLinksSchema } from '../calendars/calendars.schemas.ts';
import type { CalendarsService, Feed } from '../calendars/calendars.service.ts';
import type { When } from '../cycles/cycles.repository.ts';
import { CycleSchema } from '../cycles/cycles.schemas.ts';
import type { CyclesService } from '../cycles/cycles.service.ts';
import { MaterialSchema, type MaterialView } from '../materials/materials.schemas.ts';
import { EVERY_CYCLE, GLOBAL, ONE_CYCLE, type ReadCache } from './cache.service.ts';

export const CatalogueSchema = z.object({ items: z.array(CycleSchema) });
/** GET /api/cycles/:slug: the cycle with its public materials and the links to its public feed. */
export const CycleDetailSchema = CycleSchema.extend({ materials: z.array(MaterialSchema), calendar: CalendarLinksSchema });
export const ThemesSchema = z.object({ items: z.array(z.object({ slug: z.string(), name: z.string() })) });

/** A cached JSON answer: the value (frozen: it is shared by every reader), its bytes and their ETag. */
export interface CachedJson<V> {
  value: V;
  body: string;
  etag: string;
}

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const child of Object.values(v)) deepFreeze(child);
  }
  return v;
}

function cachedJson<S extends z.ZodType>(schema: S, raw: z.output<S>): CachedJson<z.output<S>> {
  // What the route's serializer would send (fastify-type-provider-zod encodes with the response schema;
  // these schemas have no codecs, so both sides of the encoding have the same shape).
  const value = z.encode(schema, raw) as z.output<S>;
  const body = JSON.stringify(value);
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
  return { value: deepFreeze(value), body, etag };
}

export interface PublicReadsDeps {
  cache: ReadCache;
  /** PUBLIC_URL, for the addresses of the feeds. */
  publicUrl: string;
  cycles: CyclesService;
  calendars: CalendarsService;
  /** A cycle's public materials (materials.access.ts publicMaterials). */
  publicMaterials: (cycleId: string) => Promise<MaterialView[]>;
}

export function publicReads(deps: PublicReadsDeps) {
  const { cache, cycles, calendars } = deps;
  return {
    cache,

    catalogue(q: { when: When; themeSlug?: string; locale: Locale }): Promise<CachedJson<z.output<typeof CatalogueSchema>>> {
      return cache.get(
        `cycles:${q.when}:${q.locale}:${q.themeSlug ?? ''}`,
        async () => cachedJson(CatalogueSchema, { items: await cycles.list(q) }),
        () => EVERY_CYCLE,
      );
    },

    cycle(slug: string, locale: Locale): Promise<CachedJson<z.output<typeof CycleDetailSchema>>> {
      return cache.get(
        `cycle:${locale}:${slug}`,
        async () => {
          const cycle = await cycles.getBySlug(slug, locale);
          // The feed in the reader's language, named as it names itself (calendars.service.ts cycleFeed).
          const calendar = calendarLinks(cycleFeedUrl(deps.publicUrl, cycle.slug, locale), t(locale, 'calendar_cycle_name', { cycle: cycle.title }));
          return cachedJson(CycleDetailSchema, { ...cycle, materials: await deps.publicMaterials(cycle.id), calendar });
        },
        (c) => ONE_CYCLE(c.value.id),
      );
    },

    themes(locale: Locale): Promise<CachedJson<z.output<typeof ThemesSchema>>> {
      return cache.get(
        `themes:${locale}`,
        async () => cachedJson(ThemesSchema, { items: await cycles.themes(locale) }),
        () => GLOBAL,
      );
    },

    // Feeds keep their own validators (a digest of their inputs) and render cache; here only the
    // queries that produce them are saved. A feed does not say which cycle it is, so any change drops it.
    cycleFeed(slug: string, locale: Locale): Promise<Feed> {
      return cache.get(
        `ics:cycle:${locale}:${slug}`,
        () => calendars.cycleFeed(slug, locale),
        () => EVERY_CYCLE,
      );
    },

    catalogueFeed(q: { themeSlug?: string; locale: Locale }): Promise<Feed> {
      return cache.get(
        `ics:catalogue:${q.locale}:${q.themeSlug ?? ''}`,
        () => calendars.catalogueFeed(q),
        () => EVERY_CYCLE,
      );
    },
  };
}

export type PublicReads = ReturnType<typeof publicReads>;
