// The periodic jobs of this issue, run by the graphile-worker runner the mail worker starts (its cron
// support schedules them, so they survive restarts and run once per tick across any number of workers):
//   privacy-retention   daily: anonymise the data of cycles that ended more than RETENTION_MONTHS ago,
//                       purge old throttle rows and expired one-time links to personal data,
//                       delete throttle counters older than a day, and the housekeeping of
//                       privacy.housekeeping.ts (dead sessions, old outbox mail, queue error texts)
//   certificates-issue  every 15 minutes: certificates (and their mails) for cycles that have ended
import type { Task, TaskList } from 'graphile-worker';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import type { Config } from '../../config.ts';
import type { CertificatesService } from '../certificates/certificates.service.ts';
import type { ThrottlesService } from '../throttles/throttles.service.ts';
import { housekeeping } from './privacy.housekeeping.ts';
import type { PrivacyService } from './privacy.service.ts';

export const RETENTION_TASK = 'privacy-retention';
export const CERTIFICATES_TASK = 'certificates-issue';

/** graphile-worker crontab (UTC). max=3 attempts; a job key so a slow run is never doubled. */
export const BACKGROUND_CRONTAB = [
  `30 2 * * * ${RETENTION_TASK} ?max=3&jobKey=${RETENTION_TASK}`,
  `*/15 * * * * ${CERTIFICATES_TASK} ?max=3&jobKey=${CERTIFICATES_TASK}`,
].join('\n');

export interface BackgroundDeps {
  /** The runner's own pool: the tasks never take the web requests' connections. */
  db: Kysely<Database>;
  config: Pick<Config, 'dataDir' | 'sessionIdleMs'>;
  privacy: PrivacyService;
  throttles: ThrottlesService;
  certificates: CertificatesService;
  clock?: () => Date;
}

/** The tasks, on services the composition root (server/services.ts) built on the runner's pool. */
export function backgroundTasks({ db, config, privacy, throttles, certificates, clock }: BackgroundDeps): TaskList {
  const retention: Task = async (_payload, helpers) => {
    const r = await privacy.applyRetention();
    const counters = await throttles.purge();
    const h = await housekeeping(db, { dataDir: config.dataDir, sessionIdleMs: config.sessionIdleMs, now: clock?.() ?? new Date() });
    helpers.logger.info(
      `retention: ${r.anonymised} registrations anonymised, ${r.participantsForgotten} addresses forgotten, ${r.personalDataRequestsPurged} expired personal-data links purged, ${counters} throttle counters purged; ` +
        `housekeeping: ${h.sessions} sessions, ${h.throttles} sign-in throttles, ${h.outboxMessages} outbox messages, ${h.queueErrors} queue error texts`,
    );
  };
  const issue: Task = async (_payload, helpers) => {
    const r = await certificates.issueForEndedCycles();
    if (r.issued > 0) helpers.logger.info(`certificates: ${r.issued} issued`);
  };
  return { [RETENTION_TASK]: retention, [CERTIFICATES_TASK]: issue };
}
