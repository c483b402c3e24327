// Builds the two exports from the rows the repository reads: one registration (manage token) or a whole
// person (one-time link). Reads only; both go through the same record builder, so the two files describe
// a registration in the same words.
import type { Executor } from '../../lib/db.ts';
import { emailKey } from '../links/links.service.ts';
import * as repo from './privacy.repository.ts';
import type { PersonalData, RegistrationData } from './privacy.schemas.ts';

const iso = (d: Date | string) => new Date(d).toISOString();
const isoOrNull = (d: Date | string | null) => (d === null ? null : iso(d));

/** Attendance, check-in failures, certificates and consents of these registrations, as exported. */
async function records(db: Executor, regs: repo.RegistrationRow[]) {
  const ids = regs.map((r) => r.id);
  const [marks, failures, certificates, notices] = await Promise.all([
    repo.attendanceOf(db, ids),
    repo.checkInFailuresOf(db, ids),
    repo.certificatesOf(db, ids),
    repo.notices(db, [...new Set(regs.map((r) => r.consent_version))]),
  ]);
  const noticeOf = new Map(notices.map((n) => [n.version, n]));
  return regs.map((r) => {
    const cert = certificates.find((c) => c.registration_id === r.id);
    const n = noticeOf.get(r.consent_version);
    return {
      registration: {
        id: r.id,
        cycle: { slug: r.cycle_slug, title: r.cycle_title },
        status: r.status,
        firstName: r.first_name,
        lastName: r.last_name,
        organisation: r.organisation,
        role: r.role,
        network: r.network,
        locale: r.locale,
        source: r.source,
        createdAt: iso(r.created_at),
        confirmedAt: isoOrNull(r.confirmed_at),
        cancelledAt: isoOrNull(r.cancelled_at),
        cancelledBy: r.cancelled_by,
        attendance: marks
          .filter((m) => m.registration_id === r.id)
          .map((m) => ({
            sessionId: m.session_id,
            sessionTitle: m.title,
            startsAt: iso(m.starts_at),
            present: m.present,
            method: m.method,
            markedAt: iso(m.marked_at),
          })),
        checkInFailures: failures.filter((f) => f.registration_id === r.id).map((f) => ({ sessionId: f.session_id, at: iso(f.at) })),
        certificate: cert
          ? {
              code: cert.code,
              name: cert.name,
              attendedSessions: cert.attended_sessions,
              heldSessions: cert.held_sessions,
              hours: Number(cert.hours),
              issuedAt: iso(cert.issued_at),
            }
          : null,
      },
      consent: {
        registrationId: r.id,
        version: r.consent_version,
        acceptedAt: iso(r.consent_at),
        notice: n ? { publishedAt: iso(n.published_at), summaryIt: n.summary_it, summaryEn: n.summary_en, textSha256: n.text_sha256 } : null,
      },
    };
  });
}

const mailRecords = (rows: Awaited<ReturnType<typeof repo.mailOf>>) =>
  rows.map((m) => ({
    registrationId: m.registration_id,
    template: m.template,
    recipient: m.recipient,
    subject: m.subject,
    status: m.status,
    createdAt: iso(m.created_at),
    sentAt: isoOrNull(m.sent_at),
  }));

/** One registration: its own rows and the mails about it; nothing kept under its address. */
export async function registrationExport(db: Executor, registrationId: string, email: string | null, now: Date): Promise<RegistrationData | null> {
  const reg = await repo.registrationById(db, registrationId);
  if (!reg) return null;
  const [[record], mail] = await Promise.all([records(db, [reg]), repo.mailOf(db, [reg.id], null)]);
  return { exportedAt: iso(now), email, registration: record!.registration, consent: record!.consent, mail: mailRecords(mail) };
}

/** The whole person: every registration of the participant, the mails to the address, the link requests. */
export async function personExport(db: Executor, secret: Buffer, participantId: string, now: Date): Promise<PersonalData | null> {
  const person = await repo.participant(db, participantId);
  if (!person) return null;
  const regs = await repo.registrationsOf(db, person.id);
  const [recs, mail, requests] = await Promise.all([
    records(db, regs),
    repo.mailOf(
      db,
      regs.map((r) => r.id),
      person.email,
    ),
    person.email ? repo.linkRequestsOf(db, emailKey(secret, person.email)) : Promise.resolve([]),
  ]);
  return {
    exportedAt: iso(now),
    participant: { email: person.email, locale: person.locale, createdAt: iso(person.created_at) },
    registrations: recs.map((r) => r.registration),
    consents: recs.map((r) => r.consent),
    mail: mailRecords(mail),
    linkRequests: requests.map((q) => ({ at: iso(q.at) })),
  };
}
