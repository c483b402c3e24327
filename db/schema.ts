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
  /** Whom participants write to: name and email together (a CHECK), the phone only beside them. */
  contact_name: string | null;
  contact_email: string | null;
  contact_phone: string | null;
  /** Training credits as organisers write them, e.g. "6 crediti formativi (CNOAS)"; up to 120 characters. */
  credits: string | null;
  /** Whom the cycle is for, as organisers write it, e.g. "Assistenti sociali e mediatori culturali"; up to 300 characters. */
  audience: string | null;
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
  /** Set when the person's data on this row were erased (on request or by the retention job). */
  anonymised_at: Timestamp | null;
}

export type AccountRole = 'administrator' | 'organiser';
export type AttendanceMethod = 'roster' | 'qr' | 'code';

export interface AccountsTable {
  id: Generated<string>;
  email: string;
  name: string;
  role: AccountRole;
  password_hash: string;
  active: Generated<boolean>;
  last_login_at: Timestamp | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface AuthSessionsTable {
  id_hash: Buffer;
  account_id: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

export type ThrottleScope = 'account' | 'address';

export interface LoginThrottlesTable {
  scope: ThrottleScope;
  subject: string;
  window_started_at: Timestamp;
  attempts: number;
  failures: number;
  strikes: number;
  blocked_until: Timestamp | null;
  updated_at: Timestamp;
}

export interface CycleOrganisersTable {
  cycle_id: string;
  account_id: string;
  created_at: GeneratedTimestamp;
}

export interface AttendanceTable {
  registration_id: string;
  session_id: string;
  present: boolean;
  method: AttendanceMethod;
  marked_by: string | null;
  marked_at: Timestamp;
}

export interface CheckInFailuresTable {
  id: ColumnType<string, never, never>;
  registration_id: string;
  session_id: string;
  at: Timestamp;
}

export type MailStatus = 'sending' | 'sent' | 'retrying' | 'failed' | 'skipped';

/** The send log (migration 2026-11-26T1400_mail): one row per message, keyed by its deduplication key. */
export interface MailMessagesTable {
  /** bigint identity: pg returns it as a string. */
  id: ColumnType<string, never, never>;
  dedupe_key: string;
  template: string;
  registration_id: string | null;
  cycle_id: string | null;
  session_id: string | null;
  recipient: string | null;
  subject: string | null;
  locale: Locale | null;
  status: MailStatus;
  attempts: Generated<number>;
  /** bigint: pg returns it as a string. */
  job_id: ColumnType<string | null, string | number | null, string | number | null>;
  job_key: string | null;
  message_id: string | null;
  smtp_response: string | null;
  error: string | null;
  possible_duplicate: Generated<boolean>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  claimed_at: Timestamp | null;
  sent_at: Timestamp | null;
}

/** Liveness of the job runners (migration 2026-12-03T1700_queue_runners, server/jobs/jobs.liveness.ts). */
export interface QueueRunnersTable {
  runner_id: string;
  /** graphile-worker worker ids: the values of graphile_worker.jobs.locked_by. */
  worker_ids: Generated<string[]>;
  host: string;
  host_key: string | null;
  pid: number;
  pid_started: string | null;
  started_at: GeneratedTimestamp;
  beat_at: GeneratedTimestamp;
}

export interface OrganiserMessagesTable {
  id: string;
  cycle_id: string;
  subject: string;
  body: string;
  statuses: RegistrationStatus[];
  recipients: Generated<number>;
  created_at: GeneratedTimestamp;
}

/** A session as it was at each SEQUENCE it left behind (kept by a trigger). */
export interface SessionRevisionsTable {
  session_id: string;
  sequence: number;
  title: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  location: string | null;
  online_url: string | null;
  status: SessionStatus;
  updated_at: Timestamp;
  recorded_at: GeneratedTimestamp;
}

export type MaterialKind = 'file' | 'link';
export type MaterialVisibility = 'public' | 'registered' | 'attended';

/** Slides, e-books, recordings (migration 2026-11-26T1600_materials_certificates_privacy). */
export interface MaterialsTable {
  id: Generated<string>;
  cycle_id: string;
  session_id: string | null;
  title: string;
  kind: MaterialKind;
  visibility: MaterialVisibility;
  storage_key: string | null;
  file_name: string | null;
  content_type: string | null;
  /** bigint: pg returns it as a string. */
  size_bytes: ColumnType<string | null, number | null | undefined, number | null>;
  sha256: string | null;
  url: string | null;
  download_count: Generated<number>;
  created_by: string | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

/** A stored material file, whole (migration 2026-12-04T1000_material_objects); its bytes are in material_chunks. */
export interface MaterialObjectsTable {
  key: string;
  /** bigint: pg returns it as a string. */
  size_bytes: ColumnType<string, number, never>;
  sha256: string;
  chunks: number;
  created_at: GeneratedTimestamp;
}

/** The bytes of a material file, 256 KiB a row, numbered from 0. */
export interface MaterialChunksTable {
  key: string;
  n: number;
  data: Buffer;
}

/** Certificates of attendance: a snapshot of what each one attests. */
export interface CertificatesTable {
  id: Generated<string>;
  code: string;
  registration_id: string;
  cycle_id: string;
  name: string;
  cycle_slug: string;
  cycle_title: string;
  first_session_at: Timestamp;
  last_session_at: Timestamp;
  attended_sessions: number;
  held_sessions: number;
  /** numeric(7,2): pg returns it as a string. */
  hours: ColumnType<string, string | number, string | number>;
  /** numeric(4,3): pg returns it as a string. */
  threshold: ColumnType<string, string | number, string | number>;
  issued_at: Timestamp;
  anonymised_at: Timestamp | null;
  /** Snapshot at issue (migration 2026-12-04T1800); null in older certificates, or when there was none. */
  organisation: string | null;
  credits: string | null;
  issuer_name: string | null;
  signatory_name: string | null;
  signatory_role: string | null;
}

/**
 * What /verifica shows of a certificate, kept CERTIFICATE_VERIFICATION_RETENTION_MONTHS after its last
 * meeting: no link to the registration, so it survives (and can't undo) the retention rule.
 */
export interface CertificateVerificationsTable {
  code: string;
  cycle_id: string | null;
  name: string;
  cycle_slug: string;
  cycle_title: string;
  first_session_at: Timestamp;
  last_session_at: Timestamp;
  attended_sessions: number;
  held_sessions: number;
  /** numeric(7,2): pg returns it as a string. */
  hours: ColumnType<string, string | number, string | number>;
  credits: string | null;
  issuer_name: string | null;
  signatory_name: string | null;
  signatory_role: string | null;
  issued_at: Timestamp;
}

export interface PrivacyNoticesTable {
  version: string;
  published_at: Timestamp;
  summary_it: string;
  summary_en: string;
  text_sha256: string | null;
  created_at: GeneratedTimestamp;
}

/** "Send me my links" requests (throttling); the address only as an HMAC. */
export interface LinkRequestsTable {
  id: ColumnType<string, never, never>;
  email_hash: Buffer;
  ip: string;
  at: Timestamp;
}

/** One-time links to a person's whole data, mailed to the address; only the token's SHA-256. */
export interface PersonalDataRequestsTable {
  id: string;
  /** null: the address asked for was unknown (the row exists anyway, for equal work). */
  participant_id: string | null;
  token_hash: Buffer;
  created_at: Timestamp;
  expires_at: Timestamp;
}

/** Fixed-window throttle counters (sign-up, cancel, mailbox cap); the key is an HMAC, never an address. */
export interface ThrottleCountersTable {
  scope: string;
  key: Buffer;
  window_start: Timestamp;
  count: number;
}

/** Reminders the scheduler has queued (migration 2026-12-03T1400_signup_pipeline): it never queues one twice. */
export interface RemindersSentTable {
  registration_id: string;
  session_id: string;
  /** bigint: pg returns it as a string. */
  offset_ms: ColumnType<string, number | string, never>;
  starts_at: Timestamp;
  queued_at: GeneratedTimestamp;
}

export interface Database {
  themes: ThemesTable;
  cycles: CyclesTable;
  sessions: SessionsTable;
  participants: ParticipantsTable;
  registrations: RegistrationsTable;
  mail_messages: MailMessagesTable;
  reminders_sent: RemindersSentTable;
  organiser_messages: OrganiserMessagesTable;
  session_revisions: SessionRevisionsTable;
  queue_runners: QueueRunnersTable;
  accounts: AccountsTable;
  auth_sessions: AuthSessionsTable;
  login_throttles: LoginThrottlesTable;
  cycle_organisers: CycleOrganisersTable;
  attendance: AttendanceTable;
  check_in_failures: CheckInFailuresTable;
  materials: MaterialsTable;
  material_objects: MaterialObjectsTable;
  material_chunks: MaterialChunksTable;
  certificates: CertificatesTable;
  certificate_verifications: CertificateVerificationsTable;
  privacy_notices: PrivacyNoticesTable;
  link_requests: LinkRequestsTable;
  personal_data_requests: PersonalDataRequestsTable;
  throttle_counters: ThrottleCountersTable;
}

export type Theme = Selectable<ThemesTable>;
export type CycleRow = Selectable<CyclesTable>;
export type NewCycle = Insertable<CyclesTable>;
export type CycleUpdate = Updateable<CyclesTable>;
export type SessionRow = Selectable<SessionsTable>;
export type NewSession = Insertable<SessionsTable>;
export type ParticipantRow = Selectable<ParticipantsTable>;
export type RegistrationRow = Selectable<RegistrationsTable>;
export type MailMessageRow = Selectable<MailMessagesTable>;
export type AccountRow = Selectable<AccountsTable>;
export type AttendanceRow = Selectable<AttendanceTable>;
