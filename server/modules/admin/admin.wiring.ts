// The services of the organiser console, built once by app.ts and reached as app.services.<name>.
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import type { TokenKit } from '../../lib/tokens.ts';
import { accountsService } from '../accounts/accounts.service.ts';
import { authService } from '../accounts/auth.service.ts';
import { attendanceService } from '../attendance/attendance.service.ts';
import { cycleAttendance } from '../attendance/attendance.summary.ts';
import { adminCyclesService } from '../cycles/cycles.manage.ts';
import { exportsService } from '../exports/exports.service.ts';
import { silentNotifier, type Notifier } from '../notifications/notifications.service.ts';
import { promoteLocked, type cancellation } from '../registrations/registrations.cancel.ts';
import { adminRegistrationsService } from '../registrations/registrations.manage.ts';
import type { SignupPipeline } from '../registrations/registrations.pipeline.ts';
import { statsService } from '../stats/stats.service.ts';
import { themesService } from '../themes/themes.service.ts';

export interface OrganiserDeps {
  db: Kysely<Database>;
  tokens: TokenKit;
  privacyVersion: string;
  timezone: string;
  sessionIdleMs: number;
  notifier?: Notifier;
  clock?: () => Date;
  /** The sign-up pipeline and cancellation the public side uses too: one set of rules. */
  pipeline: SignupPipeline;
  cancel: ReturnType<typeof cancellation>;
}

export function organiserServices(d: OrganiserDeps) {
  return {
    auth: authService({ db: d.db, tokens: d.tokens, idleMs: d.sessionIdleMs, clock: d.clock }),
    accounts: accountsService({ db: d.db, clock: d.clock }),
    adminCycles: adminCyclesService({ db: d.db, promote: (trx, id, now) => promoteLocked(trx, d.notifier ?? silentNotifier, id, now), clock: d.clock }),
    adminRegistrations: adminRegistrationsService({ db: d.db, pipeline: d.pipeline, cancel: d.cancel, attendanceOf: cycleAttendance, clock: d.clock }),
    attendance: attendanceService({ db: d.db, tokens: d.tokens, clock: d.clock }),
    exports: exportsService({ db: d.db, timezone: d.timezone, clock: d.clock }),
    stats: statsService({ db: d.db, timezone: d.timezone, clock: d.clock }),
    themes: themesService({ db: d.db }),
  };
}

export type OrganiserServices = ReturnType<typeof organiserServices>;
