// Loads the demo programme (DEMO_DATA) into a database that has no cycles yet. It never touches a real
// programme: any cycle at all, draft or past, means "not empty" and nothing is written. The whole load is
// one transaction behind an advisory lock, so two processes starting together load it once.
import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, Locale, NewCycle, NewSession, RegistrationStatus } from '../schema.ts';
import { addDays, at, meetingDay, romeDay, workingDayOnOrBefore, workingWeekMonday, type Day } from './demo.calendar.ts';
import { DEMO_CYCLES, DEMO_THEMES, type DemoCycle } from './demo.data.ts';
import { DEMO_PEOPLE } from './demo.people.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CONSENT_VERSION = '2026-11-01';

export interface PlannedRegistration {
  email: string;
  firstName: string;
  lastName: string;
  organisation: string;
  role: string;
  network: string;
  locale: Locale;
  status: RegistrationStatus;
  at: Date;
  cancelledAt: Date | null;
}

export interface PlannedCycle {
  spec: DemoCycle;
  cycle: Omit<NewCycle, 'theme_id'>;
  sessions: Omit<NewSession, 'cycle_id'>[];
  registrations: PlannedRegistration[];
}

const minDate = (...ds: Date[]) => new Date(Math.min(...ds.map((d) => d.getTime())));
/** The i-th of n moments evenly spaced strictly between from and to, on a whole minute. */
const spread = (from: Date, to: Date, i: number, n: number) =>
  new Date(Math.floor((from.getTime() + ((to.getTime() - from.getTime()) * (i + 1)) / (n + 1)) / 60_000) * 60_000);

function planSessions(spec: DemoCycle, today: Day) {
  if (spec.format !== 'in_person' && !spec.onlineUrl) throw new Error(`demo programme: ${spec.slug} needs an online URL`);
  return spec.sessions.map((s, i) => {
    const day = meetingDay(workingWeekMonday(today, s.week), s.weekday);
    return {
      day,
      row: {
        title: s.title,
        starts_at: at(day, s.start),
        ends_at: at(day, s.end),
        location: spec.format === 'online' ? null : spec.location,
        online_url: spec.format === 'in_person' ? null : `${spec.onlineUrl}-${i + 1}`,
      },
    };
  });
}

function planRegistrations(spec: DemoCycle, opensAt: Date, until: Date): PlannedRegistration[] {
  const keys = spec.registrations ?? [];
  const cancelled = new Set(spec.cancelled ?? []);
  let confirmed = 0;
  const planned = keys.map((key, i): PlannedRegistration => {
    const person = DEMO_PEOPLE[key];
    if (!person) throw new Error(`demo programme: unknown person ${key} in ${spec.slug}`);
    const when = spread(opensAt, until, i, keys.length);
    let status: RegistrationStatus = 'waitlisted';
    if (cancelled.has(key)) status = 'cancelled';
    else if (confirmed < spec.capacity) {
      status = 'confirmed';
      confirmed += 1;
    }
    return {
      ...person,
      locale: person.locale ?? 'it',
      status,
      at: when,
      cancelledAt: status === 'cancelled' ? spread(when, until, 0, 1) : null,
    };
  });
  // A cancellation in a full cycle would have promoted someone: keep the demo consistent with the rules.
  if (cancelled.size && planned.some((r) => r.status === 'waitlisted')) {
    throw new Error(`demo programme: ${spec.slug} has cancellations and a waiting list`);
  }
  return planned;
}

/** The demo programme placed around `now`: pure, so tests can compare it with what was written. */
export function planDemo(now: Date): PlannedCycle[] {
  const today = romeDay(now);
  return DEMO_CYCLES.map((spec) => {
    const sessions = planSessions(spec, today);
    const first = sessions.reduce((a, b) => (b.row.starts_at < a.row.starts_at ? b : a));
    const opensDay = 'daysFromToday' in spec.opens ? addDays(today, spec.opens.daysFromToday) : addDays(first.day, -spec.opens.daysBeforeFirst);
    const opensAt = at(workingDayOnOrBefore(opensDay), '09:00');
    // Every demo cycle has a deadline, as publishing requires (by default the first meeting's start, when
    // sign-up would close anyway): the demo shows what a real programme looks like.
    const closesAt = spec.closes ? at(addDays(first.day, -spec.closes.daysBeforeFirst), spec.closes.time) : first.row.starts_at;
    const announcedAt = new Date(minDate(opensAt, now).getTime() - 5 * DAY);
    const signUpsUntil = minDate(now, new Date(first.row.starts_at.getTime() - HOUR));
    return {
      spec,
      cycle: {
        slug: spec.slug,
        kind: spec.kind,
        title: spec.title,
        summary: spec.summary,
        description: spec.description,
        format: spec.format,
        location: spec.location,
        contact_name: spec.contact?.name ?? null,
        contact_email: spec.contact?.email ?? null,
        contact_phone: spec.contact?.phone ?? null,
        credits: spec.credits ?? null,
        audience: spec.audience ?? null,
        capacity: spec.capacity,
        publication: spec.publication,
        published_at: spec.publication === 'published' ? announcedAt : null,
        registration_opens_at: opensAt,
        registration_closes_at: closesAt,
        attendance_threshold: 0.75,
        created_at: new Date(announcedAt.getTime() - 2 * DAY),
        updated_at: announcedAt,
      },
      sessions: sessions.map((s) => s.row),
      registrations: opensAt < signUpsUntil ? planRegistrations(spec, opensAt, signUpsUntil) : [],
    };
  });
}

/** 32 bytes nobody holds a token for: demo rows have no working manage or calendar link (demo.journey.ts gives one its own). */
const unusableTokenHash = () => createHash('sha256').update(randomBytes(32)).digest();

async function insertThemes(trx: Transaction<Database>): Promise<Map<string, string>> {
  const rows = await trx
    .insertInto('themes')
    .values(DEMO_THEMES.map((t, position) => ({ ...t, position })))
    // Themes may exist without cycles (made by an organiser): reuse them as they are.
    .onConflict((oc) => oc.column('slug').doUpdateSet({ slug: (eb) => eb.ref('excluded.slug') }))
    .returning(['id', 'slug'])
    .execute();
  return new Map(rows.map((r) => [r.slug, r.id]));
}

async function insertParticipants(trx: Transaction<Database>, plan: PlannedCycle[]): Promise<Map<string, string>> {
  const firstSeen = new Map<string, { locale: Locale; at: Date }>();
  for (const r of plan.flatMap((c) => c.registrations)) {
    const seen = firstSeen.get(r.email);
    if (!seen || r.at < seen.at) firstSeen.set(r.email, { locale: r.locale, at: r.at });
  }
  if (firstSeen.size === 0) return new Map();
  const rows = await trx
    .insertInto('participants')
    .values([...firstSeen].map(([email, s]) => ({ email, locale: s.locale, created_at: s.at, updated_at: s.at })))
    .onConflict((oc) => oc.column('email').doUpdateSet({ email: (eb) => eb.ref('excluded.email') }))
    .returning(['id', 'email'])
    .execute();
  return new Map(rows.map((r) => [r.email!, r.id]));
}

/**
 * The register of finished cycles (`attended`): a mark for every listed person at every meeting, present
 * or absent, taken on the roster a quarter of an hour into the meeting, as an organiser would.
 */
async function insertAttendance(
  trx: Transaction<Database>,
  plan: PlannedCycle[],
  cycleIds: Map<string, string>,
  participantIds: Map<string, string>,
  written: { id: string; cycle_id: string; participant_id: string }[],
) {
  const registrationOf = new Map(written.map((r) => [`${r.cycle_id}|${r.participant_id}`, r.id]));
  const sessions = await trx.selectFrom('sessions').select(['id', 'cycle_id', 'starts_at']).orderBy('starts_at').execute();
  const marks = [];
  for (const p of plan) {
    const cycleId = cycleIds.get(p.spec.slug)!;
    const own = sessions.filter((s) => s.cycle_id === cycleId);
    for (const [key, present] of Object.entries(p.spec.attended ?? {})) {
      const id = registrationOf.get(`${cycleId}|${participantIds.get(DEMO_PEOPLE[key]!.email)}`);
      if (!id) throw new Error(`demo programme: ${key} has attendance but no registration in ${p.spec.slug}`);
      for (const [i, s] of own.entries()) {
        marks.push({
          registration_id: id,
          session_id: s.id,
          present: present.includes(i),
          method: 'roster' as const,
          marked_by: null,
          marked_at: new Date(s.starts_at.getTime() + 15 * 60_000),
        });
      }
    }
  }
  if (marks.length) await trx.insertInto('attendance').values(marks).execute();
}

export async function seedDemoIfEmpty(db: Kysely<Database>, now: Date): Promise<number> {
  return db.transaction().execute(async (trx) => {
    // Held until commit: a second process waits here, then sees the committed cycles and does nothing.
    await sql`SELECT pg_advisory_xact_lock(hashtext('officina:demo-seed'))`.execute(trx);
    const existing = await trx.selectFrom('cycles').select('id').limit(1).executeTakeFirst();
    if (existing) return 0;

    const plan = planDemo(now);
    const themeIds = await insertThemes(trx);
    const participantIds = await insertParticipants(trx, plan);
    const registrations = [];
    const cycleIds = new Map<string, string>();
    for (const p of plan) {
      const themeId = themeIds.get(p.spec.theme);
      if (!themeId) throw new Error(`demo programme: unknown theme ${p.spec.theme}`);
      const { id } = await trx
        .insertInto('cycles')
        .values({ ...p.cycle, theme_id: themeId })
        .returning('id')
        .executeTakeFirstOrThrow();
      cycleIds.set(p.spec.slug, id);
      await trx
        .insertInto('sessions')
        .values(p.sessions.map((s) => ({ ...s, cycle_id: id, created_at: p.cycle.created_at, updated_at: p.cycle.created_at })))
        .execute();
      for (const r of p.registrations) registrations.push({ cycleId: id, ...r });
    }
    // One statement in arrival order: the identity `seq` (the FIFO of the waiting list) follows time.
    registrations.sort((a, b) => a.at.getTime() - b.at.getTime());
    if (registrations.length) {
      const written = await trx
        .insertInto('registrations')
        .values(
          registrations.map((r) => ({
            cycle_id: r.cycleId,
            participant_id: participantIds.get(r.email)!,
            status: r.status,
            first_name: r.firstName,
            last_name: r.lastName,
            organisation: r.organisation,
            role: r.role,
            network: r.network,
            token_hash: unusableTokenHash(),
            calendar_token_hash: unusableTokenHash(),
            locale: r.locale,
            consent_version: CONSENT_VERSION,
            consent_at: r.at,
            created_at: r.at,
            updated_at: r.cancelledAt ?? r.at,
            confirmed_at: r.status === 'waitlisted' ? null : r.at,
            cancelled_at: r.cancelledAt,
            cancelled_by: r.cancelledAt ? 'participant' : null,
          })),
        )
        .returning(['id', 'cycle_id', 'participant_id'])
        .execute();
      await insertAttendance(trx, plan, cycleIds, participantIds, written);
    }
    return plan.length;
  });
}
