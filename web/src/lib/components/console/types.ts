// The shapes of the organiser API the console reads, named for the pages. They are read from the
// generated OpenAPI types ($lib/api), never written by hand (server/modules/*/*.schemas.ts are the zod
// definitions the document is made from).
import type { ApiJson } from '$lib/api/api.types';

export type Me = ApiJson<'/api/auth/me', 'get'>;
export type Role = Me['account']['role'];
export type AdminCycle = ApiJson<'/api/admin/cycles/{id}', 'get'>;
export type Organiser = AdminCycle['organisers'][number];
export type AdminRegistration = ApiJson<'/api/admin/cycles/{id}/registrations', 'get'>['items'][number];
export type AttendanceSummary = AdminRegistration['attendance'];
/** A theme as the public API names it (what the cycle form offers). */
export type ThemeOption = ApiJson<'/api/themes', 'get'>['items'][number];
/** GET /api/admin/themes: a theme with both names and how many cycles (drafts included) belong to it. */
export type Theme = ApiJson<'/api/admin/themes', 'get'>['items'][number];
export type Roster = ApiJson<'/api/admin/sessions/{id}/attendance', 'get'>;
export type RosterItem = Roster['items'][number];
export type MarkAll = ApiJson<'/api/admin/sessions/{id}/attendance/all-present', 'post'>;
/** GET /api/admin/sessions/today: the meetings of the day of the organiser's cycles, and the next ones. */
export type MeetingDay = ApiJson<'/api/admin/sessions/today', 'get'>;
export type DayMeeting = MeetingDay['today'][number];
export type CheckInCode = ApiJson<'/api/admin/sessions/{id}/check-in-code', 'get'>;
export type QrCheckIn = ApiJson<'/api/admin/sessions/{id}/check-in/qr', 'post'>;
export type CycleStats = ApiJson<'/api/admin/cycles/{id}/stats', 'get'>;
export type StatsGroup = CycleStats['byNetwork'][number];
export type Account = ApiJson<'/api/admin/accounts/{id}', 'get'>;
export type MailLogEntry = ApiJson<'/api/admin/cycles/{id}/mail-log', 'get'>['items'][number];
export type AdminMaterial = ApiJson<'/api/admin/cycles/{id}/materials', 'get'>['items'][number];
export type Visibility = AdminMaterial['visibility'];
/** What adding a material answers: the material and the mail that will announce it. */
export type CreatedMaterial = ApiJson<'/api/admin/cycles/{id}/materials', 'post', 201>;
/** What the materials form says after an addition. */
export type MaterialAdded = Pick<CreatedMaterial, 'title' | 'sessionId' | 'announcement'>;

// Not API shapes: console form state, shared by the form components and their server actions.

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
  credits: string;
  audience: string;
  summary: string;
  description: string;
  contactName: string;
  contactEmail: string;
  contactPhone: string;
}
