// Certificates of attendance: issued on first request (or by the periodic job when the cycle ends) to a
// registration that reached its cycle's threshold, as a snapshot that later requests return unchanged
// (same code, same numbers, same issuer and signatory; only a name an organiser corrects follows,
// renameCertificateHolder); verified by anyone from the code alone, showing only name, cycle, dates,
// attendance, credits and who issued it. Verification reads its own record, written with the
// certificate, which the retention rule leaves in place for CERTIFICATE_VERIFICATION_RETENTION_MONTHS:
// a certificate is shown to employers and professional orders long after the registration's data are
// anonymised.
import type { Kysely } from 'kysely';
import type { Database, Locale } from '../../../db/schema.ts';
import type { CertificateIssuer } from '../../config.ts';
import type { Executor } from '../../lib/db.ts';
import { inTransaction } from '../../lib/db-retry.ts';
import { hashToken, isWellFormedToken } from '../../lib/tokens.ts';
import { errors } from '../../lib/errors.ts';
import { t } from '../../lib/i18n.ts';
import { pagePath, siteUrl } from '../../lib/site.urls.ts';
import { silentNotifier, type Notifier } from '../notifications/notifications.service.ts';
import type { Contact } from '../cycles/cycles.schemas.ts';
import { cycleContact } from '../cycles/cycles.service.ts';
import * as registrationsRepo from '../registrations/registrations.repository.ts';
import { newCode, normaliseCode } from './certificates.code.ts';
import { certificateErrors } from './certificates.errors.ts';
import { renderCertificatePdf } from './certificates.pdf.ts';
import * as repo from './certificates.repository.ts';
import type { CertificateRow } from './certificates.repository.ts';
import { assess, type Assessment } from './certificates.rules.ts';

export const verifyUrl = (publicUrl: string, code: string) => siteUrl(publicUrl, pagePath.verify(code));
export const certificateUrl = (publicUrl: string, token: string) => `${publicUrl}/api/registrations/${token}/certificate`;

/** The name a certificate carries. */
export const holderName = (firstName: string, lastName: string) => `${firstName} ${lastName}`;

/**
 * An organiser corrected the person's name or organisation (registrations.manage.ts, in its transaction):
 * a certificate already issued carries them from now on, in its PDF (and the name in its verification), under the same
 * code; its numbers stay the snapshot they were. Says whether there was one.
 */
export async function renameCertificateHolder(trx: Executor, registrationId: string, person: { firstName: string; lastName: string; organisation: string }) {
  return repo.renameHolder(trx, registrationId, holderName(person.firstName, person.lastName), person.organisation);
}

/** How long after a cycle's end the periodic job still looks for certificates to issue. */
export const SWEEP_DAYS = 60;

export interface CertificateVerification {
  code: string;
  name: string;
  cycle: { slug: string; title: string; contact: Contact | null };
  firstSessionAt: string;
  lastSessionAt: string;
  attendedSessions: number;
  heldSessions: number;
  hours: number;
  credits: string | null;
  issuer: { name: string | null; signatory: { name: string; role: string | null } | null };
  issuedAt: string;
}

/** The issuer and signatory a certificate names: its own snapshot, or (issued before there was one) the configured ones. */
function issuerOf(
  row: { issuer_name: string | null; signatory_name: string | null; signatory_role: string | null },
  configured: CertificateIssuer,
): CertificateVerification['issuer'] {
  if (row.issuer_name === null && row.signatory_name === null) return { name: configured.name, signatory: configured.signatory };
  return { name: row.issuer_name, signatory: row.signatory_name === null ? null : { name: row.signatory_name, role: row.signatory_role } };
}

export interface CertificatesDeps {
  db: Kysely<Database>;
  publicUrl: string;
  timezone: string;
  /** The contact of cycles that name none (config.programmeContact). */
  programmeContact: Contact | null;
  /** config.certificateIssuer: the body, its logos, the signatory, the funding line. */
  issuer: CertificateIssuer;
  /** config.certificateVerificationMonths: how long after its last meeting a certificate still verifies. */
  verificationMonths: number;
  notifier?: Notifier;
  clock?: () => Date;
}

const isUniqueViolation = (err: unknown) => (err as { code?: string })?.code === '23505';

export interface CertificateSummary {
  certificate: { code: string; url: string; verifyUrl: string } | null;
  /** True when the PDF can be downloaded now (issued, or eligible and issued on first request). */
  available: boolean;
  /** Once the cycle is over: meetings attended, held, and attended that the threshold asks for. */
  outcome: { attended: number; held: number; required: number } | null;
}

async function assessRegistration(db: Kysely<Database>, r: repo.RegistrationForCertificate, now: Date): Promise<Assessment> {
  const [sessions, marks] = await Promise.all([repo.sessionsOf(db, r.cycle_id), repo.marksOf(db, r.id)]);
  return assess(r, Number(r.attendance_threshold), sessions, marks, now);
}

/** For "my registration" (GET /api/registrations/:token): the certificate once issued, whether one can be had now, the cycle's outcome. */
export async function certificateSummary(
  db: Kysely<Database>,
  publicUrl: string,
  registrationId: string,
  token: string,
  now: Date,
): Promise<CertificateSummary> {
  const [existing, r] = await Promise.all([repo.findByRegistration(db, registrationId), repo.registrationForCertificate(db, registrationId)]);
  const a = r ? await assessRegistration(db, r, now) : undefined;
  const outcome = a?.ended ? { attended: a.attended, held: a.held, required: a.required } : null;
  if (existing && !existing.anonymised_at) {
    return {
      certificate: { code: existing.code, url: certificateUrl(publicUrl, token), verifyUrl: verifyUrl(publicUrl, existing.code) },
      available: true,
      outcome,
    };
  }
  return { certificate: null, available: r !== undefined && r.anonymised_at === null && a!.eligible, outcome };
}

export function certificatesService(deps: CertificatesDeps) {
  const { db, publicUrl } = deps;
  const clock = deps.clock ?? (() => new Date());
  const notifier = deps.notifier ?? silentNotifier;

  const assessment = (r: repo.RegistrationForCertificate, now: Date) => assessRegistration(db, r, now);

  /**
   * Issues the certificate of an eligible registration (the assessment says so), or returns the one it
   * already has; the holder's mail is enqueued in the same transaction.
   */
  async function issue(r: repo.RegistrationForCertificate, a: Assessment, now: Date): Promise<CertificateRow> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await inTransaction(db, async (trx) => {
          const row = await repo.insertIfAbsent(trx, {
            code: newCode(),
            registrationId: r.id,
            cycleId: r.cycle_id,
            name: holderName(r.first_name, r.last_name),
            cycleSlug: r.cycle_slug,
            cycleTitle: r.cycle_title,
            firstAt: a.firstAt!,
            lastAt: a.lastAt!,
            attended: a.attended,
            held: a.held,
            hours: a.hours,
            threshold: Number(r.attendance_threshold),
            issuedAt: now,
            organisation: r.organisation,
            credits: r.credits,
            issuerName: deps.issuer.name,
            signatoryName: deps.issuer.signatory?.name ?? null,
            signatoryRole: deps.issuer.signatory?.role ?? null,
          });
          if (!row) return (await repo.findByRegistration(trx, r.id))!;
          await repo.insertVerification(trx, row);
          await notifier.certificateIssued(trx, r.id);
          return row;
        });
      } catch (err) {
        // Two equal codes out of 2^60: try again with a new one.
        if (isUniqueViolation(err) && attempt < 3) continue;
        throw err;
      }
    }
  }

  return {
    /** GET /api/registrations/:token/certificate: the PDF, issuing the certificate on first request. */
    async pdf(token: string, lang: Locale | undefined): Promise<{ pdf: Buffer; fileName: string; code: string }> {
      if (!isWellFormedToken(token)) throw errors.registrationNotFound();
      const found = await registrationsRepo.findByTokenHash(db, hashToken(token));
      if (!found) throw errors.registrationNotFound();
      const r = (await repo.registrationForCertificate(db, found.id))!;
      const now = clock();
      let cert = await repo.findByRegistration(db, r.id);
      if (!cert) {
        const a = await assessment(r, now);
        if (!a.eligible) throw certificateErrors.notEligible(a.reason!);
        cert = await issue(r, a, now);
      }
      const locale = lang ?? r.locale;
      const issuer = issuerOf(cert, deps.issuer);
      const pdf = await renderCertificatePdf(
        {
          code: cert.code,
          name: cert.name,
          organisation: cert.organisation,
          cycleTitle: cert.cycle_title,
          firstAt: new Date(cert.first_session_at),
          lastAt: new Date(cert.last_session_at),
          attended: cert.attended_sessions,
          held: cert.held_sessions,
          hours: Number(cert.hours),
          issuedAt: new Date(cert.issued_at),
          credits: cert.credits,
          issuer: { name: issuer.name, logos: deps.issuer.logos, fundingLine: deps.issuer.fundingLine },
          signatory: issuer.signatory,
          verifyUrl: verifyUrl(publicUrl, cert.code),
        },
        locale,
        deps.timezone,
      );
      const fileName = t(locale, 'certificate_filename', { cycle: cert.cycle_slug });
      return { pdf, fileName, code: cert.code };
    },

    /**
     * GET /api/certificates/:code: the verification record, while it is kept (the retention job deletes
     * it later; until it runs, an expired one is not shown either).
     */
    async verify(input: string): Promise<CertificateVerification> {
      const code = normaliseCode(input);
      const c = code ? await repo.findVerification(db, code, clock(), deps.verificationMonths) : undefined;
      if (!c) throw certificateErrors.notFound();
      return {
        code: c.code,
        name: c.name,
        cycle: { slug: c.cycle_slug, title: c.cycle_title, contact: cycleContact(c, deps.programmeContact) },
        firstSessionAt: new Date(c.first_session_at).toISOString(),
        lastSessionAt: new Date(c.last_session_at).toISOString(),
        attendedSessions: c.attended_sessions,
        heldSessions: c.held_sessions,
        hours: Number(c.hours),
        credits: c.credits,
        issuer: issuerOf(c, deps.issuer),
        issuedAt: new Date(c.issued_at).toISOString(),
      };
    },

    /**
     * The periodic job: every eligible registration of a cycle that ended in the last SWEEP_DAYS gets its
     * certificate (and the mail). Idempotent: a registration that already has one is not looked at, so
     * attendance corrected after the end is picked up at the next run.
     */
    async issueForEndedCycles(): Promise<{ cycles: number; issued: number }> {
      const now = clock();
      const cycleIds = await repo.cyclesEndedBetween(db, new Date(now.getTime() - SWEEP_DAYS * 86_400_000), now);
      let issued = 0;
      for (const cycleId of cycleIds) {
        for (const candidate of await repo.withoutCertificate(db, cycleId)) {
          const r = await repo.registrationForCertificate(db, candidate.id);
          if (!r) continue;
          const a = await assessment(r, now);
          if (!a.eligible) continue;
          await issue(r, a, now);
          issued += 1;
        }
      }
      return { cycles: cycleIds.length, issued };
    },
  };
}

export type CertificatesService = ReturnType<typeof certificatesService>;
