// SQL of theme management. Executor first. A cycle being created takes FOR KEY SHARE on its theme (the
// foreign key's own lock, and holdBySlug below), so locking a theme FOR UPDATE
// waits for any cycle about to join it: counted after that lock, the theme's cycles are all of them.
import { sql } from 'kysely';
import type { Transaction } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import type { Executor } from '../../lib/db.ts';

function withCycleCount(db: Executor) {
  return db
    .selectFrom('themes as t')
    .select(['t.id', 't.slug', 't.name_it', 't.name_en', 't.position'])
    .select((eb) =>
      eb
        .selectFrom('cycles as c')
        .whereRef('c.theme_id', '=', 't.id')
        .select((e) => e.fn.countAll<string>().as('n'))
        .as('cycle_count'),
    );
}

export type ThemeRecord = Awaited<ReturnType<typeof list>>[number];

export async function list(db: Executor) {
  return withCycleCount(db).orderBy('t.position').orderBy('t.slug').execute();
}

export async function findBySlug(db: Executor, slug: string) {
  return withCycleCount(db).where('t.slug', '=', slug).executeTakeFirst();
}

/** The new theme's id, or null when the slug is taken. Without a position it goes last. */
export async function insert(db: Executor, t: { slug: string; nameIt: string; nameEn: string; position?: number }) {
  const row = await db
    .insertInto('themes')
    .values({
      slug: t.slug,
      name_it: t.nameIt,
      name_en: t.nameEn,
      position: t.position ?? sql<number>`(SELECT coalesce(max(position) + 1, 0) FROM themes)`,
    })
    .onConflict((oc) => oc.column('slug').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

/** Locks the theme against cycles joining it (see above); its id and how many cycles it has. */
export async function lockBySlug(trx: Transaction<Database>, slug: string) {
  const row = await trx.selectFrom('themes').select('id').where('slug', '=', slug).forUpdate().executeTakeFirst();
  if (!row) return null;
  const { n } = await trx
    .selectFrom('cycles')
    .select((e) => e.fn.countAll<string>().as('n'))
    .where('theme_id', '=', row.id)
    .executeTakeFirstOrThrow();
  return { id: row.id, cycles: Number(n) };
}

export async function update(db: Executor, id: string, set: Partial<{ slug: string; name_it: string; name_en: string; position: number }>) {
  await db.updateTable('themes').set(set).where('id', '=', id).execute();
}

export async function remove(trx: Transaction<Database>, id: string) {
  await trx.deleteFrom('themes').where('id', '=', id).execute();
}

/**
 * The theme a cycle is about to join, held FOR KEY SHARE until the transaction ends: deleting it (or
 * changing its slug) waits, then sees the cycle (lockBySlug above).
 */
export async function holdBySlug(db: Executor, slug: string) {
  return db.selectFrom('themes').select(['id', 'slug']).where('slug', '=', slug).forKeyShare().executeTakeFirst();
}
