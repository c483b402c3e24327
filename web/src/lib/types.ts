// The shapes the public API returns (docs/http-api.md is the contract; server/modules/*/
// *.schemas.ts are their zod definitions). The web app is a client of that API like any other, so it
// keeps its own copy of the types instead of importing server code.
export type CycleFormat = 'in_person' | 'online' | 'hybrid';
export type CycleStatus = 'open' | 'full' | 'closed' | 'upcoming' | 'past';
export type RegistrationStatus = 'confirmed' | 'waitlisted' | 'cancelled';

export interface Theme {
  slug: string;
  name: string;
}

export interface Session {
  id: string;
  title: string;
  startsAt: string;
  endsAt: string;
  location: string | null;
  /** Only in a confirmed registration's own view (and the console); null on public pages. */
  onlineUrl: string | null;
  /** The meeting can be joined online, whether or not this reader gets the link. */
  online: boolean;
  status: 'scheduled' | 'cancelled';
}

export interface Cycle {
  id: string;
  slug: string;
  kind: 'cycle' | 'conference';
  title: string;
  theme: Theme;
  summary: string;
  description: string;
  format: CycleFormat;
  location: string | null;
  capacity: number;
  seatsTaken: number;
  seatsLeft: number;
  waitlistLength: number;
  waitlistEnabled: boolean;
  registrationOpensAt: string | null;
  registrationClosesAt: string | null;
  startsAt: string | null;
  endsAt: string | null;
  status: CycleStatus;
  sessions: Session[];
}

export interface Registration {
  id: string;
  status: RegistrationStatus;
  waitlistPosition: number | null;
  firstName: string;
  lastName: string;
  email: string | null;
  organisation: string;
  role: string | null;
  network: string | null;
  locale: 'it' | 'en';
  createdAt: string;
  confirmedAt: string | null;
  cancelledAt: string | null;
  manageUrl: string | null;
  calendarUrl: string | null;
  /** Added by the calendars work (webcal:// form of calendarUrl); derived here when absent. */
  webcalUrl?: string | null;
}

export interface RegistrationWithCycle {
  registration: Registration;
  cycle: Cycle;
  /** What this person may see of the cycle's materials (docs/http-api.md "Shapes"). */
  materials: Material[];
  /** Set once issued; url is the PDF (carries the token), verifyUrl the public /verifica page. */
  certificate: { code: string; url: string; verifyUrl: string } | null;
  /** True when the certificate PDF can be downloaded now (issued, or eligible and issued on first request). */
  certificateAvailable: boolean;
}

/** A file or a link published for a meeting (sessionId) or for the whole cycle (sessionId null). */
export interface Material {
  id: string;
  title: string;
  kind: 'file' | 'link';
  visibility: 'public' | 'registered' | 'attended';
  sessionId: string | null;
  /** Where this viewer downloads or follows it (private ones carry the viewer's token). */
  url: string;
  fileName: string | null;
  contentType: string | null;
  size: number | null;
  createdAt: string;
}

/** GET /api/cycles/:slug: a cycle with its public materials. */
export interface CycleDetail extends Cycle {
  materials: Material[];
}

/** GET /api/certificates/:code: what the public verification shows. */
export interface CertificateVerification {
  code: string;
  name: string;
  cycle: { slug: string; title: string };
  attendedSessions: number;
  heldSessions: number;
  hours: number;
  issuedAt: string;
}

/** Fields of the sign-up form, as typed (kept to show them again after an error). */
export interface SignupValues {
  firstName: string;
  lastName: string;
  email: string;
  organisation: string;
  role: string;
  network: string;
  consent: boolean;
}

export type SignupField = keyof SignupValues;
