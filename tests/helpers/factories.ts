// Rows for tests, written straight into the test database with sensible defaults.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { CycleFormat, Database } from '../../db/schema.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const uid = () => randomBytes(4).toString('hex');

export async function createTheme(db: Kysely<Database>, slug = `tema-${uid()}`) {
  return db
    .insertInto('themes')
    .values({ slug, name_it: `Tema ${slug}`, name_en: `Theme ${slug}` })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface CycleSpec {
  slug?: string;
  title?: string;
  capacity?: number;
  themeSlug?: string;
  format?: CycleFormat;
  published?: boolean;
  waitlistEnabled?: boolean;
  registrationOpensAt?: Date | null;
  registrationClosesAt?: Date | null;
  /**
   * Session start offsets from now, in days (default: four weekly meetings from next week). A whole
   * number of days is moved 12 hours earlier when the meeting would cross midnight in Rome, as no real
   * meeting does (the console's meeting form has one date for start and end); fractions are exact.
   */
  sessionDays?: number[];
  sessionHours?: number;
  /** Every session's link to join online (online and hybrid cycles); none by default. */
  onlineUrl?: string;
}

export async function createCycle(db: Kysely<Database>, spec: CycleSpec = {}) {
  const theme = spec.themeSlug
    ? ((await db.selectFrom('themes').selectAll().where('slug', '=', spec.themeSlug).executeTakeFirst()) ?? (await createTheme(db, spec.themeSlug)))
    : await createTheme(db);
  const slug = spec.slug ?? `ciclo-${uid()}`;
  const cycle = await db
    .insertInto('cycles')
    .values({
      slug,
      theme_id: theme.id,
      title: spec.title ?? `Ciclo ${slug}`,
      summary: 'Sintesi',
      description: 'Descrizione',
      format: spec.format ?? 'in_person',
      location: 'Milano, Via Rovello 2',
      capacity: spec.capacity ?? 25,
      waitlist_enabled: spec.waitlistEnabled ?? true,
      publication: spec.published === false ? 'draft' : 'published',
      published_at: spec.published === false ? null : new Date(),
      registration_opens_at: spec.registrationOpensAt === undefined ? null : spec.registrationOpensAt,
      registration_closes_at: spec.registrationClosesAt === undefined ? null : spec.registrationClosesAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const now = Date.now();
  const days = spec.sessionDays ?? [7, 14, 21, 28];
  const hours = spec.sessionHours ?? 3;
  const sessions = [];
  for (const [i, d] of days.entries()) {
    const start = daytime(new Date(now + d * DAY), hours, Number.isInteger(d));
    sessions.push(
      await db
        .insertInto('sessions')
        .values({
          cycle_id: cycle.id,
          title: `Incontro ${i + 1}`,
          starts_at: start,
          ends_at: new Date(start.getTime() + hours * HOUR),
          location: 'Milano, Via Rovello 2',
          online_url: spec.onlineUrl ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
  }
  return { cycle, theme, sessions };
}

const romeDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome', dateStyle: 'short' });
/** A start whose meeting ends on the day it starts in Rome (when asked to), else the start unchanged. */
function daytime(start: Date, hours: number, sameDay: boolean): Date {
  const end = new Date(start.getTime() + hours * HOUR - 1);
  if (!sameDay || romeDay.format(start) === romeDay.format(end)) return start;
  return new Date(start.getTime() - 12 * HOUR);
}

let counter = 0;
export function registrationBody(overrides: Record<string, unknown> = {}) {
  counter += 1;
  return {
    firstName: 'Giulia',
    lastName: 'Rossi',
    email: `giulia.rossi.${process.pid}.${counter}.${uid()}@comune.example.it`,
    organisation: 'Comune di Bergamo',
    role: 'Assistente sociale',
    network: 'Ambito di Dalmine',
    consent: true,
    ...overrides,
  };
}
