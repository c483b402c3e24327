// The shapes the public API returns, named for the pages. They are read from the generated OpenAPI
// types ($lib/api), never written by hand: docs/http-api.md is the contract, server/modules/*/*.schemas.ts
// the zod definitions the document is made from.
import type { ApiJson } from './api/api.types';

export type Cycle = ApiJson<'/api/cycles', 'get'>['items'][number];
export type Session = Cycle['sessions'][number];
export type CycleFormat = Cycle['format'];
export type CycleStatus = Cycle['status'];
/** Whom participants write to: the cycle's contact, or the programme's. */
export type Contact = NonNullable<Cycle['contact']>;
export type Theme = ApiJson<'/api/themes', 'get'>['items'][number];
/** GET /api/cycles/:slug: a cycle with its public materials. */
export type CycleDetail = ApiJson<'/api/cycles/{slug}', 'get'>;
/** The links that subscribe a calendar app to a feed (server/lib/calendar.links.ts). */
export type CalendarLinks = CycleDetail['calendar'];
/** GET /api/registrations/:token: a registration with its cycle, materials, certificate and attendance. */
export type RegistrationWithCycle = ApiJson<'/api/registrations/{token}', 'get'>;
export type Registration = RegistrationWithCycle['registration'];
export type RegistrationStatus = Registration['status'];
/** A file or a link published for a meeting (sessionId) or for the whole cycle (sessionId null). */
export type Material = RegistrationWithCycle['materials'][number];
/** GET /api/certificates/:code: what the public verification shows. */
export type CertificateVerification = ApiJson<'/api/certificates/{code}', 'get'>;

// Not API shapes: the sign-up form's state, shared by the form component and its server action.

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
