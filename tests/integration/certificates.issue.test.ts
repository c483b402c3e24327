// Certificates of attendance: issued only at or above the cycle's threshold of meetings HELD (a
// cancelled meeting doesn't count), only once the cycle has ended; the PDF parses and carries the name
// and the code; the code verifies, a forged or altered one doesn't; the periodic job issues them at the
// cycle's end and the holder is mailed the links.
import { sql } from 'kysely';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODE_ALPHABET } from '../../server/modules/certificates/certificates.code.ts';
import { certificatesService } from '../../server/modules/certificates/certificates.service.ts';
import { queueNotifier } from '../../server/modules/mail/mail.notifier.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { createCycle } from '../helpers/factories.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.ts';
import { markPresent, signUp, strangerToken, type Person } from './materials.support.ts';
import { startTestRunner, type JobRunner } from '../helpers/jobs.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t?.close());

/**
 * A cycle whose people signed up while it was open, then moved into the past (organisers correct the
 * record; here it is the simplest way to have a finished cycle). Meetings of `hours` hours each.
 */
async function finishedCycle(opts: { people: number; days?: number[]; hours?: number; threshold?: number; title?: string }) {
  const days = opts.days ?? [-28, -21, -14, -7];
  const { cycle, sessions } = await createCycle(t.database.db, {
    capacity: 50,
    title: opts.title,
    sessionDays: days.map((_, i) => 10 + i),
    sessionHours: opts.hours ?? 3,
  });
  const people: Person[] = [];
  for (let i = 0; i < opts.people; i += 1) people.push(await signUp(t.app, cycle.slug));
  for (const [i, s] of sessions.entries()) {
    const start = new Date(Date.now() + days[i]! * DAY);
    await t.database.db
      .updateTable('sessions')
      .set({ starts_at: start, ends_at: new Date(start.getTime() + (opts.hours ?? 3) * HOUR) })
      .where('id', '=', s.id)
      .execute();
  }
  if (opts.threshold !== undefined) {
    await t.database.db.updateTable('cycles').set({ attendance_threshold: opts.threshold }).where('id', '=', cycle.id).execute();
  }
  return { cycle, sessions, people };
}

const getCertificate = (token: string, lang?: string) =>
  t.app.inject({ method: 'GET', url: `/api/registrations/${token}/certificate${lang ? `?lang=${lang}` : ''}` });

async function pdfText(bytes: Buffer): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(bytes) });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}

describe('who gets a certificate', () => {
  it('3 of 4 meetings held (75%) is enough; 2 of 4 is not (409 not_eligible, below_threshold)', async () => {
    const { sessions, people } = await finishedCycle({ people: 3 });
    const [three, two, none] = people as [Person, Person, Person];
    await markPresent(
      t.database.db,
      three.id,
      sessions.slice(0, 3).map((s) => s.id),
    );
    await markPresent(t.database.db, three.id, [sessions[3]!.id], false);
    await markPresent(
      t.database.db,
      two.id,
      sessions.slice(0, 2).map((s) => s.id),
    );

    const ok = await getCertificate(three.token);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.headers['content-type']).toBe('application/pdf');
    expect(ok.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    for (const p of [two, none]) {
      const res = await getCertificate(p.token);
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ statusCode: 409, code: 'not_eligible', reason: 'below_threshold' });
    }
    const rows = await t.database.db.selectFrom('certificates').select('registration_id').execute();
    expect(rows.map((r) => r.registration_id)).toContain(three.id);
    expect(rows.map((r) => r.registration_id)).not.toContain(two.id);
  });

  it('a cancelled meeting is not held: 3 of 3 held is 100%, and the hours are those of the meetings attended', async () => {
    const { sessions, people } = await finishedCycle({ people: 1, hours: 2.5 });
    const [p] = people as [Person];
    await t.database.db.updateTable('sessions').set({ status: 'cancelled' }).where('id', '=', sessions[1]!.id).execute();
    await markPresent(t.database.db, p.id, [sessions[0]!.id, sessions[2]!.id, sessions[3]!.id]);
    const res = await getCertificate(p.token);
    expect(res.statusCode, res.body).toBe(200);
    const row = await t.database.db.selectFrom('certificates').selectAll().where('registration_id', '=', p.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ attended_sessions: 3, held_sessions: 3 });
    expect(Number(row.hours)).toBe(7.5);
  });

  it('the cycle’s own threshold applies (50%: 2 of 4 is enough)', async () => {
    const { sessions, people } = await finishedCycle({ people: 1, threshold: 0.5 });
    await markPresent(
      t.database.db,
      people[0]!.id,
      sessions.slice(0, 2).map((s) => s.id),
    );
    expect((await getCertificate(people[0]!.token)).statusCode).toBe(200);
  });

  it('not before the cycle has ended (409 not_ended), not for an unknown token (404)', async () => {
    // Three meetings held and attended, the last one still to come.
    const { sessions, people } = await finishedCycle({ people: 1, days: [-21, -14, -7, 7] });
    await markPresent(
      t.database.db,
      people[0]!.id,
      sessions.slice(0, 3).map((s) => s.id),
    );
    const early = await getCertificate(people[0]!.token);
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ code: 'not_eligible', reason: 'not_ended' });
    const shown = await t.app.inject({ method: 'GET', url: `/api/registrations/${people[0]!.token}` });
    expect(shown.json()).toMatchObject({ certificate: null, certificateAvailable: false });

    const unknown = await getCertificate(strangerToken());
    expect(unknown.statusCode).toBe(404);
    expect((await getCertificate('not-a-token')).statusCode).toBe(404);
  });
});

describe('the certificate', () => {
  let holder: Person;
  let code: string;
  let slug: string;

  beforeAll(async () => {
    const { cycle, sessions, people } = await finishedCycle({ people: 1, title: 'Welfare di comunità e co-progettazione', hours: 3 });
    slug = cycle.slug;
    holder = people[0]!;
    await markPresent(
      t.database.db,
      holder.id,
      sessions.slice(0, 3).map((s) => s.id),
    );
  });

  it('is a PDF that parses and carries the name, the cycle, the attendance and the verification code', async () => {
    const res = await getCertificate(holder.token);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(new RegExp(`^inline; filename="attestato-${slug}\\.pdf"`));
    expect(res.headers['cache-control']).toBe('private, no-store');
    const text = await pdfText(res.rawPayload);
    const row = await t.database.db.selectFrom('certificates').selectAll().where('registration_id', '=', holder.id).executeTakeFirstOrThrow();
    code = row.code;
    expect(code).toMatch(new RegExp(`^[${CODE_ALPHABET}]{12}$`));
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain('ATTESTATO DI PARTECIPAZIONE');
    expect(flat).toContain(`${holder.firstName} ${holder.lastName}`);
    expect(flat).toContain('Welfare di comunità e co-progettazione');
    expect(flat).toContain('frequentando 3 incontri su 4 (75%), per un totale di 9 ore');
    expect(flat).toContain(code);
    expect(flat).toContain(`${t.config.publicUrl}/verifica/${code}`);
  });

  it('keeps its code: the same certificate on every later request, in English on ?lang=en', async () => {
    const again = await getCertificate(holder.token, 'en');
    expect(again.statusCode).toBe(200);
    const text = (await pdfText(again.rawPayload)).replace(/\s+/g, ' ');
    expect(text).toContain('CERTIFICATE OF ATTENDANCE');
    expect(text).toContain('attending 3 of 4 meetings (75%), a total of 9 hours');
    expect(text).toContain(code);
    const rows = await t.database.db.selectFrom('certificates').select('code').where('registration_id', '=', holder.id).execute();
    expect(rows).toEqual([{ code }]);
  });

  it('shows on "my registration" once issued', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/registrations/${holder.token}` });
    expect(res.json().certificate).toEqual({
      code,
      url: `${t.config.publicUrl}/api/registrations/${holder.token}/certificate`,
      verifyUrl: `${t.config.publicUrl}/verifica/${code}`,
    });
    expect(res.json().certificateAvailable).toBe(true);
  });

  it('verifies from its code with only name, cycle, dates, attendance, credits and issuer', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/certificates/${code}` });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(
      ['attendedSessions', 'code', 'credits', 'cycle', 'firstSessionAt', 'heldSessions', 'hours', 'issuedAt', 'issuer', 'lastSessionAt', 'name'].sort(),
    );
    expect(body).toMatchObject({
      code,
      name: `${holder.firstName} ${holder.lastName}`,
      cycle: { slug, title: 'Welfare di comunità e co-progettazione' },
      attendedSessions: 3,
      heldSessions: 4,
      hours: 9,
    });
    expect(JSON.stringify(body)).not.toContain(holder.email);
    // Typed from paper: lower case, grouped with dashes.
    const typed = await t.app.inject({ method: 'GET', url: `/api/certificates/${code.toLowerCase().replace(/(.{4})(?=.)/g, '$1-')}` });
    expect(typed.statusCode).toBe(200);
  });

  it('a forged or altered code is 404', async () => {
    const swap = (c: string, i: number) => c.slice(0, i) + CODE_ALPHABET[(CODE_ALPHABET.indexOf(c[i]!) + 1) % CODE_ALPHABET.length] + c.slice(i + 1);
    const forged = [swap(code, 0), swap(code, 11), code.slice(0, 11), `${code}A`, 'AAAAAAAAAAAA', '../../etc/passwd', "' OR 1=1 --", 'O0O0O0O0O0O0'];
    for (const f of forged) {
      const res = await t.app.inject({ method: 'GET', url: `/api/certificates/${encodeURIComponent(f)}` });
      expect(res.statusCode, f).toBe(404);
      expect(res.json().code).toBe('not_found');
    }
  });

  it('prints names in any script (Cyrillic, accents) with its font', async () => {
    const { sessions, people } = await finishedCycle({ people: 1 });
    await t.database.db.updateTable('registrations').set({ first_name: 'Оксана', last_name: 'Коваленко-Nicolò' }).where('id', '=', people[0]!.id).execute();
    await markPresent(
      t.database.db,
      people[0]!.id,
      sessions.map((s) => s.id),
    );
    const res = await getCertificate(people[0]!.token);
    expect(res.statusCode).toBe(200);
    expect((await pdfText(res.rawPayload)).replace(/\s+/g, ' ')).toContain('Оксана Коваленко-Nicolò');
  });
});

describe('the periodic job', () => {
  let sink: SmtpSink;
  let worker: JobRunner | null = null;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await worker?.stop();
    await sink?.close();
  });

  it('issues every eligible certificate of cycles that have ended, once, and mails the links', async () => {
    const { sessions, people } = await finishedCycle({ people: 3, title: 'Comunicazione generativa' });
    const [yes, no, yesToo] = people as [Person, Person, Person];
    await markPresent(
      t.database.db,
      yes.id,
      sessions.map((s) => s.id),
    );
    await markPresent(
      t.database.db,
      yesToo.id,
      sessions.slice(1).map((s) => s.id),
    );
    await markPresent(t.database.db, no.id, [sessions[0]!.id]);
    // Still running: not looked at.
    const running = await finishedCycle({ people: 1, days: [-7, 7] });
    await markPresent(t.database.db, running.people[0]!.id, [running.sessions[0]!.id]);

    const service = certificatesService({
      db: t.database.db,
      publicUrl: t.config.publicUrl,
      timezone: t.config.timezone,
      programmeContact: t.config.programmeContact,
      issuer: t.config.certificateIssuer,
      verificationMonths: t.config.certificateVerificationMonths,
      notifier: queueNotifier(),
    });
    const first = await service.issueForEndedCycles();
    expect(first.issued).toBeGreaterThanOrEqual(2);
    const issued = await t.database.db
      .selectFrom('certificates')
      .select('registration_id')
      .where('registration_id', 'in', [yes.id, no.id, yesToo.id, running.people[0]!.id])
      .execute();
    expect(issued.map((r) => r.registration_id).sort()).toEqual([yes.id, yesToo.id].sort());
    const jobs = await sql<{ key: string }>`SELECT key FROM graphile_worker._private_jobs WHERE key LIKE 'mail:certificate-issued:%'`.execute(t.database.db);
    expect(jobs.rows.map((j) => j.key)).toEqual(expect.arrayContaining([`mail:certificate-issued:${yes.id}`, `mail:certificate-issued:${yesToo.id}`]));
    expect(jobs.rows.map((j) => j.key)).not.toContain(`mail:certificate-issued:${no.id}`);
    expect((await service.issueForEndedCycles()).issued).toBe(0);

    worker = await startTestRunner({ ...t.config, smtpUrl: sink.url }, t.database.url);
    const certificateMail = (email: string) => sink.to(email).filter((m) => m.parsed!.subject!.startsWith('Attestato di partecipazione'));
    await sink.waitFor(() => certificateMail(yes.email).length === 1 && certificateMail(yesToo.email).length === 1, 'two certificate mails');
    const mail = certificateMail(yes.email)[0]!.parsed!;
    expect(mail.subject).toBe('Attestato di partecipazione: Comunicazione generativa');
    const cert = await t.database.db.selectFrom('certificates').select('code').where('registration_id', '=', yes.id).executeTakeFirstOrThrow();
    expect(mail.text).toContain(`${t.config.publicUrl}/verifica/${cert.code}`);
    const download = `${t.config.publicUrl}/api/registrations/${yes.token}/certificate`;
    expect(mail.text).toContain(download);
    expect(mail.html).toContain(`href="${download}"`);
    const pdf = await t.app.inject({ method: 'GET', url: new URL(download).pathname });
    expect(pdf.statusCode).toBe(200);
    expect(certificateMail(no.email)).toHaveLength(0);
  });
});
