// The daily retention job, run by the job runner (server/jobs: its list of tasks and its schedule):
// anonymise the data of cycles that ended more than RETENTION_MONTHS ago, delete certificates' verification
// records older than CERTIFICATE_VERIFICATION_RETENTION_MONTHS, purge old throttle rows and
// expired one-time links to personal data, delete throttle counters older than a day, and the
// housekeeping of privacy.housekeeping.ts (dead sessions, old outbox mail, queue error texts).
import type { Task } from 'graphile-worker';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import type { Config } from '../../config.ts';
import type { ThrottlesService } from '../throttles/throttles.service.ts';
import { housekeeping } from './privacy.housekeeping.ts';
import type { PrivacyService } from './privacy.service.ts';

/** graphile-worker task identifier (and job key) of the retention job. */
export const RETENTION_TASK = 'privacy-retention';

export interface RetentionDeps {
  /** The runner's own pool: the task never takes the web requests' connections. */
  db: Kysely<Database>;
  config: Pick<Config, 'dataDir' | 'sessionIdleMs'>;
  privacy: PrivacyService;
  throttles: ThrottlesService;
  clock?: () => Date;
}

export function retentionTask({ db, config, privacy, throttles, clock }: RetentionDeps): Task {
  return async (_payload, helpers) => {
    const r = await privacy.applyRetention();
    const counters = await throttles.purge();
    const h = await housekeeping(db, { dataDir: config.dataDir, sessionIdleMs: config.sessionIdleMs, now: clock?.() ?? new Date() });
    helpers.logger.info(
      `retention: ${r.anonymised} registrations anonymised, ${r.participantsForgotten} addresses forgotten, ${r.personalDataRequestsPurged} expired personal-data links purged, ${r.verificationsPurged} certificate verification records purged, ${counters} throttle counters purged; ` +
        `housekeeping: ${h.sessions} sessions, ${h.throttles} sign-in throttles, ${h.outboxMessages} outbox messages, ${h.queueErrors} queue error texts`,
    );
  };
}
