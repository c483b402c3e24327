// Every migration, by name. A static list (rather than reading the folder) so the same set runs under
// tsx, vitest and any bundler; names sort by their date prefix, which is the order Kysely applies them.
import type { Migration } from 'kysely';
import * as core from './2026-11-26T1200_core.ts';
import * as mail from './2026-11-26T1400_mail.ts';
import * as organiserConsole from './2026-11-26T1500_organiser_console.ts';
import * as materialsCertificatesPrivacy from './2026-11-26T1600_materials_certificates_privacy.ts';
import * as signupPipeline from './2026-12-03T1400_signup_pipeline.ts';

export const migrations: Record<string, Migration> = {
  '2026-11-26T1200_core': core,
  '2026-11-26T1400_mail': mail,
  '2026-11-26T1500_organiser_console': organiserConsole,
  '2026-11-26T1600_materials_certificates_privacy': materialsCertificatesPrivacy,
  '2026-12-03T1400_signup_pipeline': signupPipeline,
};
