// The Database interface Kysely checks every query against, written to match db/migrations.
// Nullable columns are `| null`; columns the database fills are Generated<>.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type Locale = 'it' | 'en';
export type CycleFormat = 'in_person' | 'online' | 'hybrid';
export type Publication = 'draft' | 'published';
export type SessionStatus = 'scheduled' | 'cancelled';
export type RegistrationStatus = 'confirmed' | 'waitlisted' | 'cancelled';

export interface ThemesTable {
  id: Generated<string>;
  slug: string;
  name_it: string;
  name_en: string;
  position: Generated<number>;
}

export interface CyclesTable {
  id: Generated<string>;
  slug: string;
  theme_id: string;
  kind: Generated<'cycle' | 'conference'>;
  title: string;
  summary: Generated<string>;
  description: Generated<string>;
  format: CycleFormat;
  location: string | null;
  capacity: number;
  waitlist_enabled: Generated<boolean>;
  publication: Generated<Publication>;
  published_at: Timestamp | null;
  registration_opens_at: Timestamp | null;
  registration_closes_at: Timestamp | null;
  /** numeric(4,3): pg returns it as a string. */
  attendance_threshold: ColumnType<string, string | number | undefined, string | number>;
  /** Maintained by a trigger; never written by the application. */
  seats_taken: ColumnType<number, never, never>;
  waitlist_length: ColumnType<number, never, never>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface SessionsTable {
  id: Generated<string>;
  cycle_id: string;
  title: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  location: string | null;
  online_url: string | null;
  status: Generated<SessionStatus>;
  sequence: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface ParticipantsTable {
  id: Generated<string>;
  email: string | null;
  locale: Generated<Locale>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  anonymised_at: Timestamp | null;
}

export interface RegistrationsTable {
  id: Generated<string>;
  /** bigint identity: pg returns it as a string. */
  seq: ColumnType<string, never, never>;
  cycle_id: string;
  participant_id: string;
  status: RegistrationStatus;
  first_name: string;
  last_name: string;
  organisation: string;
  role: string | null;
  network: string | null;
  token_hash: Buffer;
  token_version: Generated<number>;
  calendar_token_hash: Buffer;
  calendar_token_version: Generated<number>;
  locale: Generated<Locale>;
  consent_version: string;
  consent_at: Timestamp;
  source: Generated<'web' | 'organiser' | 'walk_in'>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  confirmed_at: Timestamp | null;
  cancelled_at: Timestamp | null;
  cancelled_by: 'participant' | 'organiser' | 'erasure' | null;
}

export interface Database {
  themes: ThemesTable;
  cycles: CyclesTable;
  sessions: SessionsTable;
  participants: ParticipantsTable;
  registrations: RegistrationsTable;
}

export type Theme = Selectable<ThemesTable>;
export type CycleRow = Selectable<CyclesTable>;
export type NewCycle = Insertable<CyclesTable>;
export type CycleUpdate = Updateable<CyclesTable>;
export type SessionRow = Selectable<SessionsTable>;
export type NewSession = Insertable<SessionsTable>;
export type ParticipantRow = Selectable<ParticipantsTable>;
export type RegistrationRow = Selectable<RegistrationsTable>;
