// Every migration, by name. A static list (rather than reading the folder) so the same set runs under
// Node, vitest and any bundler; names sort by their date prefix, which is the order Kysely applies them.
import type { Migration } from 'kysely/migration';
import * as core from './2026-11-26T1200_core.ts';
import * as mail from './2026-11-26T1400_mail.ts';
import * as organiserConsole from './2026-11-26T1500_organiser_console.ts';
import * as materialsCertificatesPrivacy from './2026-11-26T1600_materials_certificates_privacy.ts';
import * as personalDataRequests from './2026-12-03T1000_personal_data_requests.ts';
import * as throttles from './2026-12-03T1100_throttles.ts';
import * as throttlesSignup from './2026-12-03T1300_throttles_signup.ts';
import * as cacheNotify from './2026-12-03T1500_cache_notify.ts';
import * as signupPipeline from './2026-12-03T1400_signup_pipeline.ts';
import * as queueRunners from './2026-12-03T1700_queue_runners.ts';
import * as materialObjects from './2026-12-04T1000_material_objects.ts';
import * as cycleContact from './2026-12-04T1600_cycle_contact.ts';
import * as certificateVerifications from './2026-12-04T1800_certificate_verifications.ts';
import * as cycleAudience from './2026-12-04T1900_cycle_audience.ts';

export const migrations: Record<string, Migration> = {
  '2026-11-26T1200_core': core,
  '2026-11-26T1400_mail': mail,
  '2026-11-26T1500_organiser_console': organiserConsole,
  '2026-11-26T1600_materials_certificates_privacy': materialsCertificatesPrivacy,
  '2026-12-03T1000_personal_data_requests': personalDataRequests,
  '2026-12-03T1100_throttles': throttles,
  '2026-12-03T1300_throttles_signup': throttlesSignup,
  '2026-12-03T1500_cache_notify': cacheNotify,
  '2026-12-03T1400_signup_pipeline': signupPipeline,
  '2026-12-03T1700_queue_runners': queueRunners,
  '2026-12-04T1000_material_objects': materialObjects,
  '2026-12-04T1600_cycle_contact': cycleContact,
  '2026-12-04T1800_certificate_verifications': certificateVerifications,
  '2026-12-04T1900_cycle_audience': cycleAudience,
};
