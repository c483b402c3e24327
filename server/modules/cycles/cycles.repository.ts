// Every SQL statement about cycles, themes and sessions. Each function takes the executor (the app's
// Kysely or an open transaction) first, so services decide the transaction boundaries.
import { type Transaction, sql } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import type { Executor } from '../../lib/db.ts';

/** The cycle columns every view needs, plus the first start and last end of its scheduled sessions. */
export function cycleColumns(db: Executor) {
  return db
    .selectFrom('cycles as c')
    .innerJoin('themes as t', 't.id', 'c.theme_id')
    .select([
      'c.id',
      'c.slug',
      'c.kind',
      'c.title',
      'c.summary',
      'c.description',
      'c.format',
      'c.location',
      'c.capacity',
      'c.waitlist_enabled',
      'c.publication',
      'c.registration_opens_at',
      'c.registration_closes_at',
      'c.attendance_threshold',
      'c.seats_taken',
      'c.waitlist_length',
      'c.contact_name',
      'c.contact_email',
      'c.contact_phone',
      'c.credits',
      'c.audience',
      'c.updated_at',
      't.slug as theme_slug',
      't.name_it as theme_name_it',
      't.name_en as theme_name_en',
    ])
    .select((eb) => [
      eb
        .selectFrom('sessions as s')
        .whereRef('s.cycle_id', '=', 'c.id')
        .where('s.status', '=', 'scheduled')
        .select((e) => e.fn.min('s.starts_at').as('v'))
        .as('first_starts_at'),
      eb
        .selectFrom('sessions as s')
        .whereRef('s.cycle_id', '=', 'c.id')
        .select((e) => e.fn.max('s.ends_at').as('v'))
        .as('last_ends_at'),
    ]);
}

export type CycleRecord = Awaited<ReturnType<ReturnType<typeof cycleColumns>['executeTakeFirstOrThrow']>>;

export type When = 'upcoming' | 'past' | 'all';

const lastEnd = sql<Date | null>`(SELECT max(s.ends_at) FROM sessions s WHERE s.cycle_id = c.id)`;

export async function listPublished(db: Executor, opts: { when: When; themeSlug?: string; now: Date }) {
  let q = cycleColumns(db).where('c.publication', '=', 'published');
  if (opts.themeSlug) q = q.where('t.slug', '=', opts.themeSlug);
  // A cycle without sessions yet counts as upcoming: it is being planned.
  if (opts.when === 'upcoming') q = q.where(sql<boolean>`coalesce(${lastEnd} > ${opts.now}, true)`);
  if (opts.when === 'past') q = q.where(sql<boolean>`${lastEnd} <= ${opts.now}`);
  const order = opts.when === 'past' ? sql`${lastEnd} DESC NULLS LAST` : sql`(SELECT min(s.starts_at) FROM sessions s WHERE s.cycle_id = c.id) ASC NULLS LAST`;
  return q.orderBy(order).orderBy('c.title').execute();
}

export async function findPublishedBySlug(db: Executor, slug: string) {
  return cycleColumns(db).where('c.slug', '=', slug).where('c.publication', '=', 'published').executeTakeFirst();
}

export async function findById(db: Executor, id: string) {
  return cycleColumns(db).where('c.id', '=', id).executeTakeFirst();
}

/**
 * Locks the cycle row for the rest of the transaction: everything that changes who holds a seat
 * (sign-up, cancellation, promotion, capacity change) takes this lock first, so capacity checks and
 * waiting-list order are decided one at a time per cycle (pretix's rule).
 *
 * FOR NO KEY UPDATE, not FOR UPDATE: these transactions never change the cycle's key (id, or the slug,
 * which only a draft cycle may change), and every row inserted with a foreign key to the cycle (the mail
 * worker's mail_messages, reminders, the sign-ups themselves) takes FOR KEY SHARE on it. FOR UPDATE
 * conflicts with that share lock and deadlocked cancellations against the mail worker (docs/decisions.md);
 * NO KEY UPDATE still serialises every seat change on the cycle, since it conflicts with itself. A draft's
 * slug change upgrades the lock in its own UPDATE.
 */
export async function lockPublishedBySlug(trx: Transaction<Database>, slug: string) {
  return cycleColumns(trx).where('c.slug', '=', slug).where('c.publication', '=', 'published').forNoKeyUpdate('c').executeTakeFirst();
}

export async function lockById(trx: Transaction<Database>, id: string) {
  return cycleColumns(trx).where('c.id', '=', id).forNoKeyUpdate('c').executeTakeFirst();
}

export async function sessionsOf(db: Executor, cycleIds: readonly string[]) {
  if (cycleIds.length === 0) return [];
  return db.selectFrom('sessions').selectAll().where('cycle_id', 'in', cycleIds).orderBy('starts_at').orderBy('id').execute();
}

export async function listThemes(db: Executor) {
  return db.selectFrom('themes').selectAll().orderBy('position').orderBy('slug').execute();
}
