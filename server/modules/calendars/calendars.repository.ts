// Every SQL statement behind the calendar feeds and the calendar-token rotation. Each feed is built
// from at most two statements (its owner row, then its sessions), whatever the number of sessions.
import { sql, type Transaction } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import type { Executor } from '../../lib/db.ts';
import { withCycle } from '../registrations/registrations.repository.ts';

export async function publishedCycle(db: Executor, slug: string) {
  return db
    .selectFrom('cycles')
    .select(['id', 'slug', 'title', 'updated_at'])
    .where('slug', '=', slug)
    .where('publication', '=', 'published')
    .executeTakeFirst();
}

export async function sessionsOfCycle(db: Executor, cycleId: string) {
  return db.selectFrom('sessions').selectAll().where('cycle_id', '=', cycleId).orderBy('starts_at').orderBy('id').execute();
}

export async function themeBySlug(db: Executor, slug: string) {
  return db.selectFrom('themes').select(['id', 'slug', 'name_it', 'name_en']).where('slug', '=', slug).executeTakeFirst();
}

/**
 * Every session of every published cycle that has not ended yet (same rule as the catalogue's
 * "upcoming"), with its cycle's title: one statement for the whole feed.
 */
export async function catalogueSessions(db: Executor, opts: { now: Date; themeId?: string }) {
  let q = db
    .selectFrom('sessions as s')
    .innerJoin('cycles as c', 'c.id', 's.cycle_id')
    .selectAll('s')
    .select(['c.slug as cycle_slug', 'c.title as cycle_title', 'c.updated_at as cycle_updated_at'])
    .where('c.publication', '=', 'published')
    // "Its last session ends after now", asked per cycle so past years of sessions are never scanned.
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('sessions as l')
          .select(sql`1`.as('one'))
          .whereRef('l.cycle_id', '=', 'c.id')
          .where('l.ends_at', '>', opts.now),
      ),
    );
  if (opts.themeId) q = q.where('c.theme_id', '=', opts.themeId);
  return q.orderBy('s.starts_at').orderBy('s.id').execute();
}

/** The registration a private feed belongs to, found by the SHA-256 of its calendar token, with its cycle. */
export async function registrationByCalendarHash(db: Executor, hash: Buffer) {
  return withCycle(db)
    .select(['r.created_at', 'r.confirmed_at', 'r.cancelled_at', 'r.updated_at', 'r.calendar_token_version', 'c.updated_at as cycle_updated_at'])
    .where('r.calendar_token_hash', '=', hash)
    .executeTakeFirst();
}

/** Locks a registration found by its manage-token hash, for a calendar-token rotation. */
export async function lockByManageHash(trx: Transaction<Database>, hash: Buffer) {
  return trx.selectFrom('registrations').select(['id', 'calendar_token_version']).where('token_hash', '=', hash).forUpdate().executeTakeFirst();
}

export async function setCalendarToken(trx: Transaction<Database>, id: string, version: number, hash: Buffer) {
  await trx.updateTable('registrations').set({ calendar_token_version: version, calendar_token_hash: hash }).where('id', '=', id).execute();
}
