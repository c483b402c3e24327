// Cycles as organisers run them: drafts, publication, capacity (a raise confirms the head of the waiting
// list in the same locked transaction), the list of one's cycles with counts, and who organises what.
import type { Kysely, Transaction } from 'kysely';
import type { Database, Locale, SessionRow } from '../../../db/schema.ts';
import type { Executor } from '../../lib/db.ts';
import { inTransaction } from '../../lib/db-retry.ts';
import { errors } from '../../lib/errors.ts';
import * as accessRepo from '../access/access.repository.ts';
import { isUuid } from '../access/access.rules.ts';
import { authErrors } from '../accounts/accounts.errors.ts';
import { findById as findAccount } from '../accounts/accounts.repository.ts';
import type { SignedInAccount } from '../accounts/auth.service.ts';
import { themeErrors } from '../themes/themes.errors.ts';
import { holdBySlug as holdTheme } from '../themes/themes.repository.ts';
import { cycleErrors } from './cycles.errors.ts';
import * as repo from './cycles.manage.repository.ts';
import type { ManagedCycleRecord } from './cycles.manage.repository.ts';
import type { AdminCycleView, CreateCycleInput, CycleUpdatedView, PublicationGap, UpdateCycleInput } from './cycles.manage.schemas.ts';
import * as cyclesRepo from './cycles.repository.ts';
import type { Contact } from './cycles.schemas.ts';
import { toCycleView } from './cycles.service.ts';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/**
 * What a cycle lacks to be published (#15): a meeting that is not cancelled, so the catalogue never shows
 * "0 incontri" with sign-up open, and a registration deadline. The one place of the rule: the publish
 * check and the organisers' view (missingForPublication) both call it.
 */
export function missingForPublication(sessions: readonly Pick<SessionRow, 'status'>[], closesAt: Date | string | null): PublicationGap[] {
  const missing: PublicationGap[] = [];
  if (!sessions.some((s) => s.status !== 'cancelled')) missing.push('sessions');
  if (closesAt === null) missing.push('registrationClosesAt');
  return missing;
}

/** Thrown out of a dry run's transaction so that it rolls back, carrying what the change would give. */
class DryRun extends Error {
  readonly result: CycleUpdatedView;
  constructor(result: CycleUpdatedView) {
    super('dry run: rolled back');
    this.result = result;
  }
}

/** "Mediazione interculturale: 2ª edizione" -> "mediazione-interculturale-2-edizione". */
export function slugify(title: string): string {
  const s = title
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/g, '');
  return s || 'ciclo';
}

export interface CycleManagementDeps {
  db: Kysely<Database>;
  /**
   * Gives freed seats to the waiting list and tells those promoted (registrations.cancel.ts's
   * promoteLocked); passed in because registrations depend on cycles, not the other way round.
   */
  promote: (trx: Transaction<Database>, cycleId: string, now: Date) => Promise<string[]>;
  /** The contact of cycles that name none (config.programmeContact). */
  programmeContact: Contact | null;
  clock?: () => Date;
}

/** The contact columns a request sets: all three at once when it names any of them (schemas: contactWhole). */
function contactColumns(input: { contactName?: string | null; contactEmail?: string | null; contactPhone?: string | null }) {
  if (input.contactName === undefined && input.contactEmail === undefined && input.contactPhone === undefined) return {};
  return { contact_name: input.contactName ?? null, contact_email: input.contactEmail ?? null, contact_phone: input.contactPhone ?? null };
}

export function cycleManagement(deps: CycleManagementDeps) {
  const { db } = deps;
  const clock = deps.clock ?? (() => new Date());

  async function views(exec: Executor, rows: ManagedCycleRecord[], locale: Locale): Promise<AdminCycleView[]> {
    const ids = rows.map((r) => r.id);
    const [sessions, organisers] = await Promise.all([cyclesRepo.sessionsOf(exec, ids), accessRepo.organisersOf(exec, ids)]);
    const now = clock();
    return rows.map((c) => {
      const own: SessionRow[] = sessions.filter((s) => s.cycle_id === c.id);
      return {
        ...toCycleView(c, own, now, locale, 'shown', deps.programmeContact),
        contactInherited: c.contact_email === null && deps.programmeContact !== null,
        publication: c.publication,
        missingForPublication: missingForPublication(own, c.registration_closes_at),
        publishedAt: iso(c.published_at),
        attendanceThreshold: Number(c.attendance_threshold),
        createdAt: iso(c.created_at)!,
        counts: { confirmed: c.seats_taken, waitlisted: c.waitlist_length, cancelled: Number(c.cancelled_count ?? 0) },
        organisers: organisers.filter((o) => o.cycle_id === c.id).map((o) => ({ id: o.id, name: o.name, email: o.email })),
      };
    });
  }

  async function get(id: string, locale: Locale, exec: Executor = db): Promise<AdminCycleView> {
    const row = await repo.findCycle(exec, id);
    if (!row) throw errors.notFound();
    return (await views(exec, [row], locale))[0]!;
  }

  async function themeId(db_: Kysely<Database> | Transaction<Database>, slug: string) {
    const theme = await holdTheme(db_, slug);
    if (!theme) throw themeErrors.unknown(slug);
    return theme.id;
  }

  async function freeSlug(base: string) {
    for (let i = 1; i < 100; i++) {
      const candidate = i === 1 ? base : `${base.slice(0, 76)}-${i}`;
      if (!(await repo.slugExists(db, candidate))) return candidate;
    }
    return `${base.slice(0, 70)}-${Date.now().toString(36)}`;
  }

  /** One change in `trx`: lock, check, write, promote; a dry run then reads the outcome and rolls back. */
  async function change(trx: Transaction<Database>, id: string, patch: UpdateCycleInput, locale: Locale, dryRun: boolean): Promise<string[]> {
    const now = clock();
    const cycle = await cyclesRepo.lockById(trx, id);
    if (!cycle) throw errors.notFound();
    if (patch.slug !== undefined && patch.slug !== cycle.slug) {
      if (cycle.publication === 'published' || patch.publication === 'published') throw cycleErrors.slugLocked();
      if (await repo.slugExists(trx, patch.slug)) throw cycleErrors.slugTaken();
    }
    const opens = patch.registrationOpensAt !== undefined ? patch.registrationOpensAt : cycle.registration_opens_at;
    const closes = patch.registrationClosesAt !== undefined ? patch.registrationClosesAt : cycle.registration_closes_at;
    if (opens && closes && new Date(opens) >= new Date(closes)) throw cycleErrors.invalidWindow();
    if (patch.capacity !== undefined && patch.capacity < cycle.seats_taken) {
      throw cycleErrors.capacityBelowSeatsTaken(cycle.seats_taken);
    }
    const publishing = patch.publication === 'published' && cycle.publication !== 'published';
    if (publishing) {
      const missing = missingForPublication(await cyclesRepo.sessionsOf(trx, [id]), closes);
      if (missing.length > 0) throw cycleErrors.notPublishable(missing);
    } else if (
      cycle.publication === 'published' &&
      patch.publication !== 'draft' &&
      patch.registrationClosesAt === null &&
      cycle.registration_closes_at !== null
    ) {
      // A live cycle keeps what publishing required: a deadline the organisers chose (without one, sign-up
      // would silently run until the first meeting starts).
      throw cycleErrors.deadlineOfPublished();
    }
    await repo.updateCycle(
      trx,
      id,
      {
        ...(patch.title !== undefined && { title: patch.title }),
        ...(patch.slug !== undefined && { slug: patch.slug }),
        ...(patch.themeSlug !== undefined && { theme_id: await themeId(trx, patch.themeSlug) }),
        ...(patch.kind !== undefined && { kind: patch.kind }),
        ...(patch.summary !== undefined && { summary: patch.summary }),
        ...(patch.description !== undefined && { description: patch.description }),
        ...(patch.format !== undefined && { format: patch.format }),
        ...(patch.location !== undefined && { location: patch.location }),
        ...(patch.capacity !== undefined && { capacity: patch.capacity }),
        ...(patch.waitlistEnabled !== undefined && { waitlist_enabled: patch.waitlistEnabled }),
        ...(patch.registrationOpensAt !== undefined && { registration_opens_at: patch.registrationOpensAt }),
        ...(patch.registrationClosesAt !== undefined && { registration_closes_at: patch.registrationClosesAt }),
        ...(patch.attendanceThreshold !== undefined && { attendance_threshold: patch.attendanceThreshold }),
        ...(patch.publication !== undefined && { publication: patch.publication }),
        ...(patch.credits !== undefined && { credits: patch.credits }),
        ...(patch.audience !== undefined && { audience: patch.audience }),
        ...contactColumns(patch),
        ...(publishing && { published_at: now }),
      },
      now,
    );
    // Seats freed by a raise go to the head of the waiting list, in arrival order, right now.
    const promoted = patch.capacity !== undefined && patch.capacity > cycle.capacity ? await deps.promote(trx, id, now) : [];
    if (dryRun) throw new DryRun({ ...(await get(id, locale, trx)), promoted });
    return promoted;
  }

  return {
    get,

    async list(account: SignedInAccount, locale: Locale) {
      const rows = await repo.listCycles(db, account.role === 'administrator' ? null : account.id);
      return views(db, rows, locale);
    },

    /** A new draft; whoever creates it is assigned to it. */
    async create(account: SignedInAccount, input: CreateCycleInput, locale: Locale) {
      const opens = input.registrationOpensAt ?? null;
      const closes = input.registrationClosesAt ?? null;
      if (opens && closes && opens >= closes) throw cycleErrors.invalidWindow();
      const slug = input.slug ?? (await freeSlug(slugify(input.title)));
      const now = clock();
      const id = await inTransaction(db, async (trx) => {
        const newId = await repo.insertCycle(trx, {
          slug,
          theme_id: await themeId(trx, input.themeSlug),
          kind: input.kind,
          title: input.title,
          summary: input.summary,
          description: input.description,
          format: input.format,
          location: input.location,
          capacity: input.capacity,
          waitlist_enabled: input.waitlistEnabled,
          publication: 'draft',
          registration_opens_at: opens,
          registration_closes_at: closes,
          attendance_threshold: input.attendanceThreshold,
          credits: input.credits,
          audience: input.audience,
          ...contactColumns(input),
          created_at: now,
          updated_at: now,
        });
        if (!newId) throw cycleErrors.slugTaken();
        await accessRepo.assignOrganiser(trx, newId, account.id);
        return newId;
      });
      return get(id, locale);
    },

    /**
     * Changes a cycle; capacity changes lock the cycle first (docs/architecture.md rule 4). A dry run
     * makes the very same change, promotions included, reads the result and rolls it all back (the
     * promoted people's mail was enqueued in that transaction, so it goes too): what a console shows
     * before "confirm" is what this function does, not a second copy of its rules.
     */
    async update(id: string, patch: UpdateCycleInput, locale: Locale, opts: { dryRun?: boolean } = {}): Promise<CycleUpdatedView> {
      let promoted: string[];
      try {
        promoted = await inTransaction(db, (trx) => change(trx, id, patch, locale, opts.dryRun === true));
      } catch (err) {
        if (err instanceof DryRun) return err.result;
        throw err;
      }
      return { ...(await get(id, locale)), promoted };
    },

    async assignOrganiser(cycleId: string, accountId: string) {
      const account = isUuid(accountId) ? await findAccount(db, accountId) : undefined;
      if (!account) throw authErrors.accountNotFound();
      await accessRepo.assignOrganiser(db, cycleId, accountId);
    },

    async unassignOrganiser(cycleId: string, accountId: string) {
      if (!isUuid(accountId) || !(await accessRepo.unassignOrganiser(db, cycleId, accountId))) throw authErrors.accountNotFound();
    },
  };
}

export type CycleManagement = ReturnType<typeof cycleManagement>;
