// Rules about cycles as the public sees them: what is listed, and the status of a cycle (open, full,
// closed, upcoming, past) derived from its window, its seats and its sessions.
import type { Kysely } from 'kysely';
import type { Database, Locale, SessionRow } from '../../../db/schema.ts';
import { errors } from '../../lib/errors.ts';
import * as repo from './cycles.repository.ts';
import type { CycleRecord, When } from './cycles.repository.ts';
import type { Contact, CycleView, SessionView } from './cycles.schemas.ts';

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

/** When sign-ups close: the configured moment, or else the start of the first meeting. */
export function registrationClosesAt(c: Pick<CycleRecord, 'registration_closes_at' | 'first_starts_at'>): Date | null {
  const v = c.registration_closes_at ?? c.first_starts_at;
  return v === null || v === undefined ? null : new Date(v);
}

export type Availability = 'open' | 'full' | 'closed' | 'upcoming' | 'past';

export function cycleStatus(c: CycleRecord, now: Date): Availability {
  if (c.last_ends_at && new Date(c.last_ends_at) <= now) return 'past';
  if (c.registration_opens_at && now < new Date(c.registration_opens_at)) return 'upcoming';
  const closes = registrationClosesAt(c);
  if (closes && now >= closes) return 'closed';
  if (c.capacity - c.seats_taken <= 0) return 'full';
  return 'open';
}

/**
 * Who may read the links to join online meetings: organisers and people holding a confirmed seat ('shown');
 * everyone else sees that a meeting is online, not where (docs/http-api.md: null in public answers). Every
 * caller says which, so no new view can leak the link by default.
 */
export type OnlineLinks = 'shown' | 'hidden';

export function toSessionView(s: SessionRow, links: OnlineLinks): SessionView {
  return {
    id: s.id,
    title: s.title,
    startsAt: iso(s.starts_at)!,
    endsAt: iso(s.ends_at)!,
    location: s.location,
    onlineUrl: links === 'shown' ? s.online_url : null,
    online: s.online_url !== null,
    status: s.status,
  };
}

/** The cycle's own contact, or else the programme's (config.programmeContact), or none. */
export function cycleContact(
  c: { contact_name: string | null; contact_email: string | null; contact_phone: string | null },
  programme: Contact | null,
): Contact | null {
  if (c.contact_name !== null && c.contact_email !== null) return { name: c.contact_name, email: c.contact_email, phone: c.contact_phone };
  return programme ? { ...programme } : null;
}

export function toCycleView(
  c: CycleRecord,
  sessions: SessionRow[],
  now: Date,
  locale: Locale,
  links: OnlineLinks,
  programmeContact: Contact | null,
): CycleView {
  const closes = registrationClosesAt(c);
  return {
    id: c.id,
    slug: c.slug,
    kind: c.kind,
    title: c.title,
    theme: { slug: c.theme_slug, name: locale === 'en' ? c.theme_name_en : c.theme_name_it },
    summary: c.summary,
    description: c.description,
    format: c.format,
    location: c.location,
    capacity: c.capacity,
    seatsTaken: c.seats_taken,
    seatsLeft: Math.max(0, c.capacity - c.seats_taken),
    waitlistLength: c.waitlist_length,
    waitlistEnabled: c.waitlist_enabled,
    attendanceThreshold: Number(c.attendance_threshold),
    registrationOpensAt: iso(c.registration_opens_at),
    registrationClosesAt: closes ? closes.toISOString() : null,
    startsAt: iso(c.first_starts_at ?? null),
    endsAt: iso(c.last_ends_at ?? null),
    status: cycleStatus(c, now),
    contact: cycleContact(c, programmeContact),
    credits: c.credits,
    audience: c.audience,
    sessions: sessions.map((s) => toSessionView(s, links)),
  };
}

/** The public views: the catalogue and a cycle's page never carry an online link. */
async function withSessions(db: Kysely<Database>, rows: CycleRecord[], now: Date, locale: Locale, programmeContact: Contact | null) {
  const sessions = await repo.sessionsOf(
    db,
    rows.map((r) => r.id),
  );
  const byCycle = new Map<string, SessionRow[]>();
  for (const s of sessions) {
    const list = byCycle.get(s.cycle_id) ?? [];
    list.push(s);
    byCycle.set(s.cycle_id, list);
  }
  return rows.map((r) => toCycleView(r, byCycle.get(r.id) ?? [], now, locale, 'hidden', programmeContact));
}

export interface CyclesDeps {
  db: Kysely<Database>;
  /** The contact of cycles that name none (config.programmeContact). */
  programmeContact: Contact | null;
  clock?: () => Date;
}

export function cyclesService(deps: CyclesDeps) {
  const { db, programmeContact } = deps;
  const clock = deps.clock ?? (() => new Date());
  return {
    async list(opts: { when: When; themeSlug?: string; locale: Locale }): Promise<CycleView[]> {
      const now = clock();
      const rows = await repo.listPublished(db, { when: opts.when, themeSlug: opts.themeSlug, now });
      return withSessions(db, rows, now, opts.locale, programmeContact);
    },

    /** One published cycle (its page adds the public materials: cache.reads.ts). */
    async getBySlug(slug: string, locale: Locale): Promise<CycleView> {
      const row = await repo.findPublishedBySlug(db, slug);
      if (!row) throw errors.cycleNotFound();
      const [view] = await withSessions(db, [row], clock(), locale, programmeContact);
      return view!;
    },

    async themes(locale: Locale) {
      const rows = await repo.listThemes(db);
      return rows.map((t) => ({ slug: t.slug, name: locale === 'en' ? t.name_en : t.name_it }));
    },
  };
}

export type CyclesService = ReturnType<typeof cyclesService>;
