// The public side of registrations: sign-up (through the pipeline every sign-up shares), a registration
// as its holder sees it (the whole "my registration" page is participant.page.ts), the manage link, and
// cancellation (the one shared with organisers). The rules
// that decide seats live in registrations.rules.ts, the transaction in registrations.pipeline.ts, and
// cancellation in registrations.cancel.ts.
import type { Kysely } from 'kysely';
import type { Database, Locale } from '../../../db/schema.ts';
import { inTransaction } from '../../lib/db-retry.ts';
import { webcalOf } from '../../lib/calendar.links.ts';
import { errors } from '../../lib/errors.ts';
import { pagePath, siteUrl } from '../../lib/site.urls.ts';
import { hashToken, isWellFormedToken, type TokenKit } from '../../lib/tokens.ts';
import type { RegistrationLimits } from './registrations.limits.ts';
import type { cancellation } from './registrations.cancel.ts';
import type { SignupPipeline } from './registrations.pipeline.ts';
import * as repo from './registrations.repository.ts';
import type { RegistrationRecord } from './registrations.repository.ts';
import type { RegisterInput, RegistrationView } from './registrations.schemas.ts';

export function manageUrl(publicUrl: string, token: string) {
  return siteUrl(publicUrl, pagePath.registration(token));
}
export function calendarUrl(publicUrl: string, token: string) {
  return `${publicUrl}/ical/registrations/${token}.ics`;
}

/** A registration as its holder sees it, with their own links (manage, calendar). */
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

type PersonRow = Pick<RegistrationRecord, 'id' | 'status' | 'first_name' | 'last_name' | 'email' | 'organisation' | 'role' | 'network' | 'locale'> & {
  created_at: Date | string;
  confirmed_at: Date | string | null;
  cancelled_at: Date | string | null;
};

/** What the holder and the organiser both see of a registration (the links differ: each adds its own). */
export function registrationFields(r: PersonRow, waitlistPosition: number | null) {
  return {
    id: r.id,
    status: r.status,
    waitlistPosition: r.status === 'waitlisted' ? waitlistPosition : null,
    firstName: r.first_name,
    lastName: r.last_name,
    email: r.email,
    organisation: r.organisation,
    role: r.role,
    network: r.network,
    locale: r.locale,
    createdAt: iso(r.created_at)!,
    confirmedAt: iso(r.confirmed_at),
    cancelledAt: iso(r.cancelled_at),
  };
}

export function toRegistrationView(publicUrl: string, tokens: TokenKit, r: RegistrationRecord, position: number | null): RegistrationView {
  const feed = calendarUrl(publicUrl, tokens.token('calendar', r.id, r.calendar_token_version));
  return {
    ...registrationFields(r, position),
    manageUrl: manageUrl(publicUrl, tokens.token('manage', r.id, r.token_version)),
    calendarUrl: feed,
    webcalUrl: webcalOf(feed),
  };
}

/** The place on the waiting list (1 = next), or null when not waiting. */
export async function positionOf(db_: Kysely<Database>, r: RegistrationRecord) {
  return r.status === 'waitlisted' ? repo.waitlistPosition(db_, r.cycle_id, r.seq) : null;
}

export interface RegistrationsDeps {
  db: Kysely<Database>;
  publicUrl: string;
  tokens: TokenKit;
  /** Sign-ups and cancellations per email and client address (429 rate_limited). */
  limits: RegistrationLimits;
  pipeline: SignupPipeline;
  cancel: ReturnType<typeof cancellation>;
}

export function registrationsService(deps: RegistrationsDeps) {
  const { db, publicUrl, tokens } = deps;
  const view = (r: RegistrationRecord, position: number | null) => toRegistrationView(publicUrl, tokens, r, position);

  return {
    /** `clientKey`: the sign-up limits' key for the request's address (lib/client-address.ts). */
    async register(slug: string, input: RegisterInput, requestLocale: Locale, clientKey: string | null = null) {
      const { record, waitlistPosition } = await deps.pipeline.submit({
        cycle: { slug },
        person: input,
        locale: input.locale ?? requestLocale,
        source: 'web',
        addSeat: false,
        clientKey,
      });
      return { registration: view(record, waitlistPosition) };
    },

    /**
     * A new manage link; the old one stops working at once on every route that takes it (view, cancel,
     * personal data, QR, certificate, materials, check-in), because its hash is no longer stored. The
     * check-in QR derives from the same version, so it changes too: whoever saw the old link may have
     * seen the QR. Mails sent from now on carry the new link (they derive it at send time).
     */
    async rotateManageToken(token: string): Promise<{ manageUrl: string }> {
      if (!isWellFormedToken(token)) throw errors.registrationNotFound();
      return inTransaction(db, async (trx) => {
        const r = await repo.lockByTokenHash(trx, hashToken(token));
        if (!r) throw errors.registrationNotFound();
        const version = r.token_version + 1;
        const issued = tokens.issue('manage', r.id, version);
        await repo.setManageToken(trx, r.id, version, issued.hash);
        return { manageUrl: manageUrl(publicUrl, issued.token) };
      });
    },

    async cancel(token: string, client: string) {
      if (!isWellFormedToken(token)) throw errors.registrationNotFound();
      const found = await repo.findByTokenHash(db, hashToken(token));
      if (!found) throw errors.registrationNotFound();
      await deps.limits.cancel(client);
      const { record, promoted } = await deps.cancel(found.id, 'participant');
      return { registration: view(record, null), promoted };
    },
  };
}

export type RegistrationsService = ReturnType<typeof registrationsService>;
