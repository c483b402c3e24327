// The shapes of the organiser API the console reads (server/modules/{admin,accounts,attendance,stats,
// materials}/*.schemas.ts are their zod definitions). The console is a client of that API like any
// other, so it keeps its own copy of the types, as $lib/types.ts does for the public API.
import type { Cycle, Registration, Session } from '$lib/types';

export type Role = 'administrator' | 'organiser';

export interface Me {
  account: { id: string; email: string; name: string; role: Role };
  csrfToken: string;
  expiresAt?: string;
}

export interface Organiser {
  id: string;
  name: string;
  email: string;
}

export interface AdminCycle extends Cycle {
  publication: 'draft' | 'published';
  publishedAt: string | null;
  attendanceThreshold: number;
  createdAt: string;
  counts: { confirmed: number; waitlisted: number; cancelled: number };
  organisers: Organiser[];
}

export interface AttendanceSummary {
  held: number;
  attended: number;
  percent: number | null;
  sessions: { sessionId: string; present: boolean }[];
}

export interface AdminRegistration extends Registration {
  source: 'web' | 'organiser' | 'walk_in';
  attendance: AttendanceSummary;
}

export interface ThemeOption {
  slug: string;
  name: string;
}

/** GET /api/admin/themes: a theme with both names and how many cycles (drafts included) belong to it. */
export interface Theme extends ThemeOption {
  id: string;
  nameIt: string;
  nameEn: string;
  position: number;
  cycles: number;
}

export interface RosterItem {
  registrationId: string;
  firstName: string;
  lastName: string;
  organisation: string;
  network: string | null;
  status: 'confirmed' | 'waitlisted' | 'cancelled';
  present: boolean | null;
  method: 'roster' | 'qr' | 'code' | null;
  markedAt: string | null;
}

export interface Roster {
  session: Session & { cycleId: string };
  counts: { present: number; absent: number; unmarked: number };
  items: RosterItem[];
}

export interface CheckInCode {
  code: string;
  validFrom: string;
  validUntil: string;
}

export interface QrCheckIn {
  registration: { id: string; firstName: string; lastName: string; organisation: string };
  present: true;
  alreadyPresent: boolean;
}

export interface StatsGroup {
  name: string | null;
  participants: number;
  attended: number;
  possible: number;
  percent: number | null;
}

export interface CycleStats {
  cycleId: string;
  generatedAt: string;
  totals: {
    registrations: number;
    confirmed: number;
    waitlisted: number;
    cancelled: number;
    sessionsHeld: number;
    averageAttendancePercent: number | null;
  };
  signups: { date: string; count: number; cumulative: number }[];
  attendanceBySession: {
    sessionId: string;
    title: string;
    startsAt: string;
    status: 'scheduled' | 'cancelled';
    held: boolean;
    present: number;
    absent: number;
    expected: number;
    percent: number | null;
  }[];
  byNetwork: StatsGroup[];
  byOrganisation: StatsGroup[];
}

export interface Account {
  id: string;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  lastLoginAt: string | null;
  createdAt: string;
  cycles: { id: string; slug: string; title: string }[];
}

export interface MailLogEntry {
  id: string;
  template: string;
  registrationId: string | null;
  sessionId: string | null;
  recipient: string | null;
  subject: string | null;
  status: 'sending' | 'sent' | 'retrying' | 'failed' | 'skipped';
  attempts: number;
  smtpResponse: string | null;
  error: string | null;
  possibleDuplicate: boolean;
  createdAt: string;
  sentAt: string | null;
}

export type Visibility = 'public' | 'registered' | 'attended';

export interface AdminMaterial {
  id: string;
  cycleId: string;
  title: string;
  kind: 'file' | 'link';
  visibility: Visibility;
  sessionId: string | null;
  url: string;
  fileName: string | null;
  contentType: string | null;
  size: number | null;
  target: string | null;
  downloads: number;
  createdAt: string;
}

/** Field errors of a console form: field name → message; `form` for a message about the whole form. */
export type FieldErrors = Record<string, string>;

/** The cycle form's fields as typed (strings, as the form holds them); read and checked in $lib/server/console-cycle.ts. */
export interface CycleValues {
  title: string;
  slug: string;
  themeSlug: string;
  kind: 'cycle' | 'conference';
  format: 'in_person' | 'online' | 'hybrid';
  location: string;
  capacity: string;
  waitlistEnabled: boolean;
  opensAt: string;
  closesAt: string;
  threshold: string;
  summary: string;
  description: string;
}
