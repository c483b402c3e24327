// The composition root: every service the routes, the pages' facade and the background jobs use, built
// in one place from the config and a database. app.ts calls it on the app's pool (and decorates
// app.services with the result); the job runner calls it on its own pool (server/jobs/jobs.tasks.ts).
// Building is cheap and starts nothing: no connection, no timer.
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Config } from './config.ts';
import { tokenKit } from './lib/tokens.ts';
import { accountsService } from './modules/accounts/accounts.service.ts';
import { authService } from './modules/accounts/auth.service.ts';
import { markArrivals } from './modules/attendance/attendance.repository.ts';
import { attendanceService } from './modules/attendance/attendance.service.ts';
import { cycleAttendance } from './modules/attendance/attendance.summary.ts';
import { ReadCache } from './modules/cache/cache.service.ts';
import { publicReads } from './modules/cache/cache.reads.ts';
import { calendarsService } from './modules/calendars/calendars.service.ts';
import { certificatesService, renameCertificateHolder } from './modules/certificates/certificates.service.ts';
import { cycleManagement } from './modules/cycles/cycles.manage.ts';
import { cyclesService } from './modules/cycles/cycles.service.ts';
import { exportsService } from './modules/exports/exports.service.ts';
import { healthService } from './modules/health/health.service.ts';
import { linksService } from './modules/links/links.service.ts';
import { mailService } from './modules/mail/mail.service.ts';
import { queueNotifier } from './modules/mail/mail.notifier.ts';
import { publicMaterials } from './modules/materials/materials.access.ts';
import { materialsService } from './modules/materials/materials.service.ts';
import { databaseStorage } from './modules/materials/materials.storage.ts';
import type { Notifier } from './modules/notifications/notifications.service.ts';
import { participantPage } from './modules/participant/participant.page.ts';
import { privacyService } from './modules/privacy/privacy.service.ts';
import { signupActivity } from './modules/registrations/registrations.activity.ts';
import { cancellation, promoteLocked } from './modules/registrations/registrations.cancel.ts';
import { registrationLimits } from './modules/registrations/registrations.limits.ts';
import { registrationManagement } from './modules/registrations/registrations.manage.ts';
import { signupPipeline } from './modules/registrations/registrations.pipeline.ts';
import { registrationsService } from './modules/registrations/registrations.service.ts';
import { sessionsService } from './modules/sessions/sessions.service.ts';
import { statsService } from './modules/stats/stats.service.ts';
import { themesService } from './modules/themes/themes.service.ts';
import { throttlesService } from './modules/throttles/throttles.service.ts';

export interface ServiceDeps {
  db: Kysely<Database>;
  /** Secret the link tokens and throttle keys derive from. */
  secretKey: string;
  /** Test seam: a fixed clock. */
  clock?: () => Date;
  /** What follows a change (mail jobs); default: the real queue notifier. */
  notifier?: Notifier;
  /** Test seam: how long a cached public read lives (default 1 s, the freshness promised for seat counts). */
  readCacheTtlMs?: number;
}

export function buildServices(config: Config, deps: ServiceDeps) {
  const { db, clock } = deps;
  const { publicUrl, timezone, privacyVersion, programmeContact } = config;
  const secret = Buffer.from(deps.secretKey, 'utf8');
  const tokens = tokenKit(secret);
  // Ages are measured on the services' clock, so a test that moves the clock also ages the cache.
  const readCache = new ReadCache({ ttlMs: deps.readCacheTtlMs ?? 1000, now: clock ? () => clock().getTime() : undefined });
  const throttles = throttlesService({ db, secret, clock });
  // Mail and reminders are enqueued in the same transaction as the change that causes them.
  const notifier = deps.notifier ?? queueNotifier({ clock });
  const limits = registrationLimits({ throttles, perAddress: config.signupLimitPerAddress });
  const activity = signupActivity();
  const attendance = attendanceService({ db, publicUrl, timezone, tokens, clock });
  // Every sign-up, public or organiser's, goes through this one pipeline; it needs one connection per
  // hot cycle, so half the pool is plenty and the other half stays for everything else.
  const pipeline = signupPipeline({
    db,
    tokens,
    privacyVersion,
    notifier,
    clock,
    queueMax: config.signupQueueMax,
    waitMs: config.signupQueueWaitMs,
    concurrentBatches: Math.max(1, Math.floor(config.databasePoolMax / 2)),
    limits: limits.forPipeline,
    activity,
    // A walk-in at a meeting under way is marked present in their sign-up's transaction.
    recordArrivals: markArrivals,
  });
  // One cancellation for the person, the organiser and erasure: one set of rules.
  const cancel = cancellation({ db, notifier, clock });
  const cycles = cyclesService({ db, programmeContact, clock });
  const calendars = calendarsService({ db, publicUrl, timezone, tokens, clock });
  const certificates = certificatesService({
    db,
    publicUrl,
    timezone,
    programmeContact,
    issuer: config.certificateIssuer,
    verificationMonths: config.certificateVerificationMonths,
    notifier,
    clock,
  });
  const privacy = privacyService({
    db,
    secret,
    retentionMonths: config.retentionMonths,
    verificationMonths: config.certificateVerificationMonths,
    outboxDir: path.join(config.dataDir, 'mail'),
    notifier,
    clock,
  });

  /** What routes, plugins and the pages' facade reach as app.services.<name>. */
  const services = {
    health: healthService({ db }),
    reads: publicReads({ cache: readCache, publicUrl, cycles, calendars, publicMaterials: (cycleId) => publicMaterials(db, publicUrl, cycleId) }),
    cycles,
    registrations: registrationsService({ db, publicUrl, tokens, pipeline, cancel, limits }),
    participant: participantPage({ db, publicUrl, tokens, programmeContact, clock }),
    calendars,
    sessions: sessionsService({ db, notifier, clock }),
    mail: mailService({ db, clock }),
    // The organisers' console.
    auth: authService({ db, tokens, idleMs: config.sessionIdleMs, clock }),
    accounts: accountsService({ db, clock }),
    cycleManagement: cycleManagement({ db, promote: (trx, id, now) => promoteLocked(trx, notifier, id, now), programmeContact, clock }),
    registrationManagement: registrationManagement({
      db,
      pipeline,
      cancel,
      attendanceOf: cycleAttendance,
      renameCertificate: renameCertificateHolder,
      checkArrival: attendance.checkArrival,
      clock,
    }),
    attendance,
    exports: exportsService({ db, timezone, clock }),
    stats: statsService({ db, timezone, clock }),
    themes: themesService({ db }),
    // Materials, certificates, "send me my links", personal data.
    materials: materialsService({
      db,
      // An upload holds a connection while its bytes arrive: a quarter of the pool at most.
      storage: databaseStorage(db, { concurrentUploads: Math.floor(config.databasePoolMax / 4) }),
      publicUrl,
      maxUploadBytes: config.maxUploadBytes,
      notifier,
      clock,
    }),
    certificates,
    links: linksService({ db, secret, clock }),
    privacy,
  };
  return {
    services,
    /** The public reads' cache: the app keeps it in step with every process' writes (cache.listener.ts). */
    readCache,
    /** The app closes it before its pool, so sign-ups already queued are decided and answered. */
    pipeline,
    /** Whether sign-ups are being decided: the job runner of the same process waits for a quiet moment. */
    activity,
    /** The throttle counters, which the daily retention job purges (server/jobs/jobs.tasks.ts). */
    throttles,
  };
}

export type Services = ReturnType<typeof buildServices>['services'];
