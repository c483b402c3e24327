// The calendar feeds (per cycle, the catalogue, the private per-registration feed) and the rotation of
// the private feed's token. A feed is returned with its validators (ETag, Last-Modified) before it is
// rendered, so a client that already holds it gets a 304 without the calendar being built.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, Locale, SessionRow } from '../../../db/schema.ts';
import { webcalOf } from '../../lib/calendar.links.ts';
import { inTransaction } from '../../lib/db-retry.ts';
import { errors, notFound } from '../../lib/errors.ts';
import { msg, t } from '../../lib/i18n.ts';
import { hashToken, isWellFormedToken, type TokenKit } from '../../lib/tokens.ts';
import { calendarUrl } from '../registrations/registrations.service.ts';
import { fingerprint, forRegistration, renderCalendar, withoutOnlineUrl, type IcsEvent, type IcsOptions } from './calendars.ics.ts';
import * as repo from './calendars.repository.ts';

/** Bump when renderCalendar's output changes for the same data, so cached copies are refetched. */
const RENDER_VERSION = '3';

/**
 * Rendered calendars by ETag. The ETag is a digest of every input, so an entry can never be stale: a
 * changed session makes a new key and the old entry just ages out. Bounded by size (the catalogue
 * with 500 sessions is about 280 KiB); per process, nothing shared, nothing to invalidate.
 */
class RenderCache {
  private readonly entries = new Map<string, string>();
  private bytes = 0;
  private readonly maxBytes: number;
  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  get(key: string, make: () => string): string {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const text = make();
    if (text.length * 2 <= this.maxBytes) {
      this.entries.set(key, text);
      this.bytes += text.length * 2;
      for (const [k, v] of this.entries) {
        if (this.bytes <= this.maxBytes) break;
        this.entries.delete(k);
        this.bytes -= v.length * 2;
      }
    }
    return text;
  }
}

export interface Feed {
  filename: string;
  etag: string;
  lastModified: Date | null;
  private: boolean;
  render(): string;
}

/** A session row as the calendar builder wants it (also for the mail templates' attachments). */
export function toIcsEvent(s: SessionRow, cycle: { slug: string; title: string }): IcsEvent {
  return {
    sessionId: s.id,
    cycleSlug: cycle.slug,
    cycleTitle: cycle.title,
    sessionTitle: s.title,
    startsAt: new Date(s.starts_at),
    endsAt: new Date(s.ends_at),
    location: s.location,
    onlineUrl: s.online_url,
    online: s.online_url !== null,
    status: s.status,
    sequence: s.sequence,
    createdAt: new Date(s.created_at),
    updatedAt: new Date(s.updated_at),
  };
}

export interface CalendarsDeps {
  db: Kysely<Database>;
  publicUrl: string;
  timezone: string;
  tokens: TokenKit;
  clock?: () => Date;
  /** Memory for rendered feeds (default 16 MiB); 0 renders every time. */
  renderCacheBytes?: number;
}

export function calendarsService(deps: CalendarsDeps) {
  const { db, publicUrl, timezone, tokens } = deps;
  const clock = deps.clock ?? (() => new Date());
  const cache = new RenderCache(deps.renderCacheBytes ?? 16 * 1024 * 1024);

  function feed(
    filename: string,
    isPrivate: boolean,
    opts: Omit<IcsOptions, 'timezone' | 'publicUrl'>,
    alsoModified: (Date | string)[],
    versionTag = '',
  ): Feed {
    const full: IcsOptions = { ...opts, timezone, publicUrl };
    // Strong validator: a digest of everything the body is made of (renderCalendar is deterministic), so
    // any change of a session, a title, a status or the token changes it.
    const etag = `"${createHash('sha256').update(`${RENDER_VERSION}\n${versionTag}\n`).update(fingerprint(full)).digest('base64url').slice(0, 32)}"`;
    let newest = 0;
    for (const e of opts.events) newest = Math.max(newest, e.updatedAt.getTime());
    for (const d of alsoModified) newest = Math.max(newest, new Date(d).getTime());
    return {
      filename,
      etag,
      lastModified: newest > 0 ? new Date(newest) : null,
      private: isPrivate,
      render: () => cache.get(etag, () => renderCalendar(full)),
    };
  }

  return {
    async cycleFeed(slug: string, locale: Locale): Promise<Feed> {
      const cycle = await repo.publishedCycle(db, slug);
      if (!cycle) throw errors.cycleNotFound();
      const sessions = await repo.sessionsOfCycle(db, cycle.id);
      return feed(
        `${cycle.slug}.ics`,
        false,
        {
          name: t(locale, 'calendar_cycle_name', { cycle: cycle.title }),
          description: t(locale, 'calendar_cycle_description'),
          locale,
          events: sessions.map((s) => withoutOnlineUrl(toIcsEvent(s, cycle))),
        },
        [cycle.updated_at],
      );
    },

    async catalogueFeed(opts: { themeSlug?: string; locale: Locale }): Promise<Feed> {
      const { locale } = opts;
      let theme: Awaited<ReturnType<typeof repo.themeBySlug>>;
      if (opts.themeSlug) {
        theme = await repo.themeBySlug(db, opts.themeSlug);
        if (!theme) throw notFound(msg('error_theme_feed_not_found'));
      }
      const rows = await repo.catalogueSessions(db, { now: clock(), themeId: theme?.id });
      const themeName = theme ? (locale === 'en' ? theme.name_en : theme.name_it) : null;
      return feed(
        theme ? `officina-${theme.slug}.ics` : 'officina.ics',
        false,
        {
          name: themeName ? t(locale, 'calendar_theme_name', { theme: themeName }) : t(locale, 'calendar_catalogue_name'),
          description: t(locale, 'calendar_catalogue_description'),
          locale,
          events: rows.map((r) => withoutOnlineUrl(toIcsEvent(r, { slug: r.cycle_slug, title: r.cycle_title }))),
        },
        rows.map((r) => r.cycle_updated_at),
      );
    },

    /** The private feed; unknown, malformed and rotated tokens are all the same 404. */
    async registrationFeed(token: string): Promise<Feed> {
      if (!isWellFormedToken(token)) throw errors.registrationNotFound();
      const r = await repo.registrationByCalendarHash(db, hashToken(token));
      if (!r) throw errors.registrationNotFound();
      const sessions = await repo.sessionsOfCycle(db, r.cycle_id);
      const who = {
        status: r.status,
        createdAt: new Date(r.created_at),
        confirmedAt: r.confirmed_at ? new Date(r.confirmed_at) : null,
        cancelledAt: r.cancelled_at ? new Date(r.cancelled_at) : null,
      };
      const cycle = { slug: r.cycle_slug, title: r.cycle_title };
      return feed(
        `${r.cycle_slug}.ics`,
        true,
        {
          name: t(r.locale, 'calendar_registration_name', { cycle: r.cycle_title }),
          description: t(r.locale, 'calendar_registration_description'),
          locale: r.locale,
          events: sessions.map((s) => forRegistration(toIcsEvent(s, cycle), who)),
        },
        [r.updated_at, r.cycle_updated_at],
        `${r.status}:${r.calendar_token_version}`,
      );
    },

    /**
     * A new private-feed address (the manage token proves who asks); the old one stops working at once,
     * because its hash is no longer stored anywhere.
     */
    async rotateCalendarToken(manageToken: string): Promise<{ calendarUrl: string; webcalUrl: string }> {
      if (!isWellFormedToken(manageToken)) throw errors.registrationNotFound();
      return inTransaction(db, async (trx) => {
        const r = await repo.lockByManageHash(trx, hashToken(manageToken));
        if (!r) throw errors.registrationNotFound();
        const version = r.calendar_token_version + 1;
        const issued = tokens.issue('calendar', r.id, version);
        await repo.setCalendarToken(trx, r.id, version, issued.hash);
        const url = calendarUrl(publicUrl, issued.token);
        return { calendarUrl: url, webcalUrl: webcalOf(url) };
      });
    },
  };
}

export type CalendarsService = ReturnType<typeof calendarsService>;
