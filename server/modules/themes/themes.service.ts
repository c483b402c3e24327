// Themes: what the catalogue groups cycles by. Every organiser reads them (a cycle needs one);
// administrators create, rename, reorder and delete them (route access rules). A theme's slug is its
// address in the catalogue's filter and in subscribed calendar feeds (/ical/catalogue.ics?theme=), so it
// changes, like deletion, only while no cycle (drafts included) belongs to it. The public reads that show
// themes are dropped from every process' cache by the themes table's triggers (modules/cache).
import type { Kysely } from 'kysely';
import type { Database, Locale } from '../../../db/schema.ts';
import { inTransaction } from '../../lib/db-retry.ts';
import { themeErrors } from './themes.errors.ts';
import * as repo from './themes.repository.ts';
import type { ThemeRecord } from './themes.repository.ts';
import type { CreateThemeInput, ThemeView, UpdateThemeInput } from './themes.schemas.ts';

const isUniqueViolation = (err: unknown) => (err as { code?: string } | null)?.code === '23505';

export function toThemeView(t: ThemeRecord, locale: Locale): ThemeView {
  return {
    id: t.id,
    slug: t.slug,
    name: locale === 'en' ? t.name_en : t.name_it,
    nameIt: t.name_it,
    nameEn: t.name_en,
    position: t.position,
    cycles: Number(t.cycle_count ?? 0),
  };
}

export function themesService(deps: { db: Kysely<Database> }) {
  const { db } = deps;

  async function get(slug: string, locale: Locale): Promise<ThemeView> {
    const row = await repo.findBySlug(db, slug);
    if (!row) throw themeErrors.notFound(slug);
    return toThemeView(row, locale);
  }

  return {
    async list(locale: Locale): Promise<ThemeView[]> {
      return (await repo.list(db)).map((t) => toThemeView(t, locale));
    },

    async create(input: CreateThemeInput, locale: Locale): Promise<ThemeView> {
      if (!(await repo.insert(db, input))) throw themeErrors.slugTaken(input.slug);
      return get(input.slug, locale);
    },

    async update(slug: string, patch: UpdateThemeInput, locale: Locale): Promise<ThemeView> {
      const next = patch.slug !== undefined && patch.slug !== slug ? patch.slug : null;
      try {
        await inTransaction(db, async (trx) => {
          let id: string;
          if (next) {
            const locked = await repo.lockBySlug(trx, slug);
            if (!locked) throw themeErrors.notFound(slug);
            if (locked.cycles > 0) throw themeErrors.inUse(slug, locked.cycles);
            id = locked.id;
          } else {
            const row = await repo.findBySlug(trx, slug);
            if (!row) throw themeErrors.notFound(slug);
            id = row.id;
          }
          await repo.update(trx, id, {
            ...(next && { slug: next }),
            ...(patch.nameIt !== undefined && { name_it: patch.nameIt }),
            ...(patch.nameEn !== undefined && { name_en: patch.nameEn }),
            ...(patch.position !== undefined && { position: patch.position }),
          });
        });
      } catch (err) {
        // Another theme has (or just took) that slug: the unique index decides.
        if (next && isUniqueViolation(err)) throw themeErrors.slugTaken(next);
        throw err;
      }
      return get(next ?? slug, locale);
    },

    /** Deletes a theme no cycle belongs to; 409 theme_in_use otherwise. */
    async remove(slug: string): Promise<void> {
      await inTransaction(db, async (trx) => {
        const found = await repo.lockBySlug(trx, slug);
        if (!found) throw themeErrors.notFound(slug);
        if (found.cycles > 0) throw themeErrors.inUse(slug, found.cycles);
        await repo.remove(trx, found.id);
      });
    },
  };
}

export type ThemesService = ReturnType<typeof themesService>;
