// The demo programme (DEMO_DATA): what it loads, that it loads once and only into an empty database,
// that its times are Rome wall-clock times across DST, and that the real catalogue shows it.
import { TZDate } from '@date-fns/tz';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/schema.ts';
import { DEMO_CYCLES } from '../../db/seeds/demo.data.ts';
import { seedDemoIfEmpty } from '../../db/seeds/demo.ts';
import { buildTestApp } from '../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { createCycle } from '../helpers/factories.ts';

const ROME = 'Europe/Rome';
const rome = (d: Date) => new TZDate(d.getTime(), ROME);
const hhmm = (d: Date) => {
  const r = rome(d);
  return `${String(r.getHours()).padStart(2, '0')}:${String(r.getMinutes()).padStart(2, '0')}`;
};

async function counts(db: Kysely<Database>) {
  const one = async (table: keyof Database) =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    themes: await one('themes'),
    cycles: await one('cycles'),
    sessions: await one('sessions'),
    participants: await one('participants'),
    registrations: await one('registrations'),
  };
}

async function cyclesWithSessions(db: Kysely<Database>) {
  const cycles = await db.selectFrom('cycles').selectAll().orderBy('slug').execute();
  const sessions = await db.selectFrom('sessions').selectAll().orderBy('starts_at').orderBy('title').execute();
  return cycles.map((c) => ({ ...c, sessions: sessions.filter((s) => s.cycle_id === c.id) }));
}

/** Every session starts and ends at the Rome time the programme states, on a weekday, in working hours. */
async function expectRomeWallClock(db: Kysely<Database>, now: Date) {
  const cycles = await cyclesWithSessions(db);
  expect(cycles).toHaveLength(DEMO_CYCLES.length);
  for (const c of cycles) {
    const spec = DEMO_CYCLES.find((d) => d.slug === c.slug)!;
    const expected = [...spec.sessions].sort((a, b) => a.week - b.week || a.start.localeCompare(b.start));
    expect(c.sessions.map((s) => s.title)).toEqual(expected.map((s) => s.title));
    c.sessions.forEach((s, i) => {
      expect(s.ends_at.getTime()).toBeGreaterThan(s.starts_at.getTime());
      expect(hhmm(s.starts_at)).toBe(expected[i]!.start);
      expect(hhmm(s.ends_at)).toBe(expected[i]!.end);
      for (const t of [s.starts_at, s.ends_at]) {
        expect(rome(t).getHours()).toBeGreaterThanOrEqual(8);
        expect(hhmm(t) <= '19:00').toBe(true);
        expect([1, 2, 3, 4, 5]).toContain(rome(t).getDay());
      }
      // Past cycles are wholly before now, every other one wholly after it.
      if (spec.sessions.every((x) => x.week < 0)) expect(s.ends_at.getTime()).toBeLessThan(now.getTime());
      else expect(s.starts_at.getTime()).toBeGreaterThan(now.getTime());
    });
  }
  return cycles;
}

describe('demo programme on an empty database', () => {
  let database: TestDatabase;
  const now = new Date();
  let seeded: number;

  beforeAll(async () => {
    database = await createTestDatabase();
    seeded = await seedDemoIfEmpty(database.db, now);
  });
  afterAll(async () => database?.drop());

  it('loads upcoming cycles, a conference, a past cycle and a draft', async () => {
    const cycles = await cyclesWithSessions(database.db);
    expect(seeded).toBe(cycles.length);
    const published = cycles.filter((c) => c.publication === 'published');
    const upcoming = published.filter((c) => c.kind === 'cycle' && c.sessions.every((s) => s.starts_at > now));
    const past = published.filter((c) => c.sessions.length > 0 && c.sessions.every((s) => s.ends_at <= now));
    const conferences = published.filter((c) => c.kind === 'conference');
    expect(upcoming.length).toBeGreaterThanOrEqual(5);
    expect(past.length).toBeGreaterThanOrEqual(1);
    expect(conferences).toHaveLength(1);
    expect(conferences[0]!.sessions).toHaveLength(1);
    expect(conferences[0]!.capacity).toBeGreaterThan(40);
    expect(cycles.filter((c) => c.publication === 'draft')).toHaveLength(1);
    // Published as the console would let them be: a meeting and a registration deadline each.
    for (const c of published) expect([c.slug, c.registration_closes_at === null]).toEqual([c.slug, false]);
    expect(new Set(cycles.map((c) => c.format))).toEqual(new Set(['in_person', 'online', 'hybrid']));
    for (const c of cycles) {
      for (const s of c.sessions) {
        if (c.format === 'in_person') expect(s.online_url).toBeNull();
        else expect(s.online_url).toMatch(/^https:\/\/meet\.example\.org\//);
        if (c.format === 'online') expect(s.location).toBeNull();
        else expect(s.location).toBeTruthy();
      }
    }

    const themes = await database.db.selectFrom('themes').select('slug').execute();
    expect(themes.map((t) => t.slug)).toEqual(
      expect.arrayContaining([
        'mediazione-interculturale',
        'coprogettazione-coprogrammazione',
        'welfare-di-comunita',
        'comunicazione-generativa',
        'emergenza-ucraina',
      ]),
    );
  });

  it('gives intercultural mediation exactly four meetings: first, second, third and closing', async () => {
    const cycle = (await cyclesWithSessions(database.db)).find((c) => c.title === 'La mediazione interculturale')!;
    expect(cycle.sessions.map((s) => s.title.split(' — ')[0])).toEqual(['Primo incontro', 'Secondo incontro', 'Terzo incontro', 'Incontro conclusivo']);
  });

  it('places every session at its Rome wall-clock time, upcoming ones after now and past ones before', async () => {
    await expectRomeWallClock(database.db, now);
  });

  it('writes registrations the way the app would: counters, waiting list in arrival order, consent, unusable tokens', async () => {
    const regs = await database.db
      .selectFrom('registrations as r')
      .innerJoin('participants as p', 'p.id', 'r.participant_id')
      .selectAll('r')
      .select('p.email')
      .orderBy('r.seq')
      .execute();
    expect(regs.length).toBeGreaterThan(30);
    const hashes = regs.flatMap((r) => [r.token_hash.toString('hex'), r.calendar_token_hash.toString('hex')]);
    expect(new Set(hashes).size).toBe(hashes.length);
    for (const r of regs) {
      expect(r.email).toMatch(/@([a-z0-9-]+\.)*example\.(org|it)$/);
      expect(r.consent_version).toBe('2026-11-01');
      expect(r.consent_at.getTime()).toBeLessThanOrEqual(now.getTime());
      expect(r.confirmed_at === null).toBe(r.status === 'waitlisted');
      expect(r.cancelled_at === null).toBe(r.status !== 'cancelled');
    }
    for (const c of await database.db.selectFrom('cycles').selectAll().execute()) {
      const mine = regs.filter((r) => r.cycle_id === c.id);
      expect(c.seats_taken).toBe(mine.filter((r) => r.status === 'confirmed').length);
      expect(c.waitlist_length).toBe(mine.filter((r) => r.status === 'waitlisted').length);
      const times = mine.map((r) => r.created_at.getTime());
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
    const full = await database.db.selectFrom('cycles').selectAll().whereRef('seats_taken', '=', 'capacity').where('capacity', '>', 0).execute();
    expect(full).toHaveLength(1);
    expect(full[0]!.waitlist_length).toBe(3);
  });

  it('shows the programme in the real catalogue: open, upcoming and full cycles, and the past one', async () => {
    const t = await buildTestApp({ database, clock: () => now });
    try {
      const res = await t.app.inject({ url: '/api/cycles' });
      expect(res.statusCode).toBe(200);
      const items: Array<{ slug: string; kind: string; status: string; seatsLeft: number; waitlistLength: number; sessions: unknown[] }> = res.json().items;
      expect(items.filter((c) => c.kind === 'cycle').length).toBeGreaterThanOrEqual(5);
      expect(items.filter((c) => c.kind === 'conference')).toHaveLength(1);
      const statuses = new Set(items.map((c) => c.status));
      for (const s of ['open', 'upcoming', 'full']) expect(statuses).toContain(s);
      const full = items.find((c) => c.status === 'full')!;
      expect(full).toMatchObject({ slug: 'welfare-di-comunita-e-valutazione', seatsLeft: 0, waitlistLength: 3 });
      expect(items.map((c) => c.slug)).not.toContain('mediazione-interculturale-a-scuola');

      const past = await t.app.inject({ url: '/api/cycles?when=past' });
      expect(past.statusCode).toBe(200);
      expect(past.json().items.map((c: { slug: string; status: string }) => [c.slug, c.status])).toEqual([['analisi-del-funzionamento-delle-reti', 'past']]);

      const one = await t.app.inject({ url: '/api/cycles/la-mediazione-interculturale' });
      expect(one.json().sessions).toHaveLength(4);
    } finally {
      await t.close();
    }
  });

  it('does nothing the second time', async () => {
    const before = await counts(database.db);
    expect(await seedDemoIfEmpty(database.db, new Date())).toBe(0);
    expect(await counts(database.db)).toEqual(before);
  });
});

describe('demo programme on a database that already has a cycle', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.drop());

  it('leaves the real programme alone', async () => {
    await createCycle(database.db, { published: false });
    const before = await counts(database.db);
    expect(await seedDemoIfEmpty(database.db, new Date())).toBe(0);
    expect(await counts(database.db)).toEqual(before);
  });
});

describe('two processes starting at once', () => {
  let database: TestDatabase;
  let other: Kysely<Database>;
  beforeAll(async () => {
    database = await createTestDatabase();
    other = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 1 }) }) });
  });
  afterAll(async () => {
    await other?.destroy();
    await database?.drop();
  });

  it('load the programme once', async () => {
    const now = new Date();
    for (let round = 0; round < 5; round++) {
      const results = await Promise.all([seedDemoIfEmpty(database.db, now), seedDemoIfEmpty(other, now)]);
      expect(results.sort((a, b) => a - b)).toEqual([0, DEMO_CYCLES.length]);
      expect((await counts(database.db)).cycles).toBe(DEMO_CYCLES.length);
      await sql`TRUNCATE registrations, participants, sessions, cycles, themes CASCADE`.execute(database.db);
    }
  });
});

describe('demo programme around daylight-saving changes and holidays', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.drop());

  // Before the March and October switches, in July (August is skipped) and before Christmas.
  const nows = ['2027-03-10T08:00:00Z', '2027-10-20T15:00:00Z', '2027-07-09T10:00:00Z', '2027-12-18T23:30:00Z'];
  it.each(nows)('keeps Rome wall-clock times when seeded at %s', async (iso) => {
    const now = new Date(iso);
    expect(await seedDemoIfEmpty(database.db, now)).toBe(DEMO_CYCLES.length);
    const cycles = await expectRomeWallClock(database.db, now);
    // The test only proves DST handling if some cycle really spans both offsets.
    const offsets = new Set(cycles.flatMap((c) => c.sessions.map((s) => rome(s.starts_at).getTimezoneOffset())));
    expect(offsets.size).toBe(2);
    for (const c of cycles)
      for (const s of c.sessions) {
        const d = rome(s.starts_at);
        expect(d.getMonth()).not.toBe(7);
        expect(`${d.getMonth() + 1}-${d.getDate()}`).not.toBe('12-25');
      }
    await sql`TRUNCATE registrations, participants, sessions, cycles, themes CASCADE`.execute(database.db);
  });
});
