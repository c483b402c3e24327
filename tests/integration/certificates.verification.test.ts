// Issue 15, certificates with institutional weight: the PDF and /api/certificates name the issuing body,
// the signatory, the cycle's training credits (and the PDF the holder's organisation and the funding
// line); the credits are set through the organiser API and shown on the public cycle; and a certificate
// still verifies after the retention rule anonymised its holder, until its own longer period ends
// (CERTIFICATE_VERIFICATION_RETENTION_MONTHS), or at once when the holder erases their data.
import path from 'node:path';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { signedIn } from '../helpers/auth.ts';
import { createTheme } from '../helpers/factories.ts';
import { expectErrorShape } from '../helpers/http.ts';
import { ROOT } from '../helpers/server-process.ts';
import { cycleMovedTo, markPresent, type Person } from './materials.support.ts';

const ISSUER = {
  CERTIFICATE_ISSUER_NAME: 'Associazione dei Comuni di Prova',
  CERTIFICATE_ISSUER_LOGOS: `${path.join(ROOT, 'db/seeds/demo-issuer-logo.png')},${path.join(ROOT, 'db/seeds/demo-issuer-logo.png')}`,
  CERTIFICATE_SIGNATORY_NAME: 'Giovanna Ferrario',
  CERTIFICATE_SIGNATORY_ROLE: 'Direttrice generale',
  CERTIFICATE_FUNDING_LINE: 'Progetto cofinanziato dal Fondo Asilo, Migrazione e Integrazione (FAMI)',
};
const CREDITS = '6 crediti formativi (CROAS Lombardia)';
const MONTH_DAYS = 30.5;

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ env: ISSUER });
});
afterAll(async () => t?.close());

async function pdfOf(bytes: Buffer): Promise<{ text: string; pages: number }> {
  const parser = new PDFParse({ data: new Uint8Array(bytes) });
  try {
    const r = await parser.getText();
    return { text: r.text.replace(/\s+/g, ' '), pages: r.total };
  } finally {
    await parser.destroy();
  }
}

/** A cycle that ended `monthsAgo` months ago, with credits, and one participant present at every meeting who has downloaded her certificate. */
async function certified(monthsAgo: number, credits: string | null = CREDITS) {
  const end = -Math.round(monthsAgo * MONTH_DAYS);
  const c = await cycleMovedTo(t.app, t.database.db, {
    days: [end - 14, end - 7, end],
    title: 'Mediazione interculturale nei servizi',
    signUps: [{ organisation: 'Comune di Cremona' }],
  });
  await t.database.db.updateTable('cycles').set({ credits }).where('id', '=', c.cycle.id).execute();
  const holder = c.people[0] as Person;
  await markPresent(
    t.database.db,
    holder.id,
    c.sessions.map((s) => s.id),
  );
  const pdf = await t.app.inject({ method: 'GET', url: `/api/registrations/${holder.token}/certificate` });
  expect(pdf.statusCode, pdf.body).toBe(200);
  const { code } = await t.database.db.selectFrom('certificates').select('code').where('registration_id', '=', holder.id).executeTakeFirstOrThrow();
  return { ...c, holder, code, pdf: pdf.rawPayload };
}

const verify = (code: string) => t.app.inject({ method: 'GET', url: `/api/certificates/${code}` });

describe('the issuer, the signatory, the organisation and the credits', () => {
  it('are on the PDF, one A4 page, with the funding line', async () => {
    const c = await certified(1);
    const { text, pages } = await pdfOf(c.pdf);
    expect(pages).toBe(1);
    expect(text).toContain(ISSUER.CERTIFICATE_ISSUER_NAME);
    expect(text).toContain(ISSUER.CERTIFICATE_SIGNATORY_NAME);
    expect(text).toContain(ISSUER.CERTIFICATE_SIGNATORY_ROLE);
    expect(text).toContain('Comune di Cremona');
    expect(text).toContain(`Crediti formativi: ${CREDITS}`);
    expect(text).toContain(ISSUER.CERTIFICATE_FUNDING_LINE);
    expect(text).toContain(`${c.holder.firstName} ${c.holder.lastName}`);
    expect(text).toContain(c.code);

    const en = await pdfOf((await t.app.inject({ method: 'GET', url: `/api/registrations/${c.holder.token}/certificate?lang=en` })).rawPayload);
    expect(en.pages).toBe(1);
    expect(en.text).toContain(`Training credits: ${CREDITS}`);
  });

  it('are on the verification, with the dates; the organisation is not (the least data that proves it)', async () => {
    const c = await certified(1);
    const res = await verify(c.code);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      name: `${c.holder.firstName} ${c.holder.lastName}`,
      credits: CREDITS,
      issuer: { name: ISSUER.CERTIFICATE_ISSUER_NAME, signatory: { name: ISSUER.CERTIFICATE_SIGNATORY_NAME, role: ISSUER.CERTIFICATE_SIGNATORY_ROLE } },
      attendedSessions: 3,
      heldSessions: 3,
      hours: 9,
    });
    const first = await t.database.db.selectFrom('sessions').select('starts_at').where('id', '=', c.sessions[0]!.id).executeTakeFirstOrThrow();
    expect(body.firstSessionAt).toBe(new Date(first.starts_at).toISOString());
    expect(new Date(body.lastSessionAt).getTime()).toBeGreaterThan(new Date(body.firstSessionAt).getTime());
    expect(JSON.stringify(body)).not.toContain('Comune di Cremona');
  });

  it('a certificate keeps the signatory it was issued with when the configuration changes', async () => {
    const c = await certified(1);
    const other = await buildTestApp({ env: { ...ISSUER, CERTIFICATE_SIGNATORY_NAME: 'Nuovo Firmatario' }, database: t.database });
    try {
      const res = await other.app.inject({ method: 'GET', url: `/api/certificates/${c.code}` });
      expect(res.json().issuer.signatory.name).toBe(ISSUER.CERTIFICATE_SIGNATORY_NAME);
      const pdf = await pdfOf((await other.app.inject({ method: 'GET', url: `/api/registrations/${c.holder.token}/certificate` })).rawPayload);
      expect(pdf.text).toContain(ISSUER.CERTIFICATE_SIGNATORY_NAME);
      expect(pdf.text).not.toContain('Nuovo Firmatario');
    } finally {
      await other.app.close();
    }
  });
});

describe('credits through the organiser API', () => {
  it('are saved, shown on the public cycle, cleared with an empty value, and refused past 120 characters naming the field', async () => {
    const org = await signedIn(t.app, t.database.db, 'organiser');
    const themeSlug = (await createTheme(t.database.db)).slug;
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/admin/cycles',
      headers: org.headers,
      payload: { title: 'Coprogettazione', themeSlug, format: 'online', capacity: 20, credits: `  ${CREDITS} ` },
    });
    expect(created.statusCode, created.body).toBe(201);
    const cycle = created.json();
    expect(cycle.credits).toBe(CREDITS);
    const fromDb = await t.database.db.selectFrom('cycles').select(['credits', 'slug']).where('id', '=', cycle.id).executeTakeFirstOrThrow();
    expect(fromDb.credits).toBe(CREDITS);
    // Public once published: the cycle's page reads the same field.
    await t.database.db.updateTable('cycles').set({ publication: 'published', published_at: new Date() }).where('id', '=', cycle.id).execute();
    expect((await t.app.inject({ method: 'GET', url: `/api/cycles/${fromDb.slug}` })).json().credits).toBe(CREDITS);

    const tooLong = await t.app.inject({ method: 'PATCH', url: `/api/admin/cycles/${cycle.id}`, headers: org.headers, payload: { credits: 'x'.repeat(121) } });
    expectErrorShape(tooLong.statusCode, tooLong.json(), { status: 400, code: 'validation_error' });
    expect(tooLong.json().fields.map((f: { field: string }) => f.field)).toEqual(['credits']);

    const cleared = await t.app.inject({ method: 'PATCH', url: `/api/admin/cycles/${cycle.id}`, headers: org.headers, payload: { credits: '' } });
    expect(cleared.statusCode, cleared.body).toBe(200);
    expect(cleared.json().credits).toBeNull();
  });
});

describe('verification outlives the retention rule, not its own period', () => {
  it('after the holder is anonymised (RETENTION_MONTHS), the code still verifies with name, cycle, hours and credits', async () => {
    const c = await certified(26);
    const r = await t.app.services.privacy.applyRetention();
    expect(r.anonymised).toBeGreaterThanOrEqual(1);
    const row = await t.database.db.selectFrom('registrations').select(['first_name', 'anonymised_at']).where('id', '=', c.holder.id).executeTakeFirstOrThrow();
    expect(row.first_name).toBe('Anonimo');
    const res = await verify(c.code);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      name: `${c.holder.firstName} ${c.holder.lastName}`,
      cycle: { title: 'Mediazione interculturale nei servizi' },
      hours: 9,
      credits: CREDITS,
      issuer: { name: ISSUER.CERTIFICATE_ISSUER_NAME },
    });
    // The record is not tied to the anonymised registration.
    const record = await t.database.db.selectFrom('certificate_verifications').selectAll().where('code', '=', c.code).executeTakeFirstOrThrow();
    expect(Object.keys(record)).not.toContain('registration_id');
  });

  it('past CERTIFICATE_VERIFICATION_RETENTION_MONTHS (120) the code is not found, and the retention job deletes the record', async () => {
    const c = await certified(121);
    expect((await verify(c.code)).statusCode).toBe(404);
    const r = await t.app.services.privacy.applyRetention();
    expect(r.verificationsPurged).toBeGreaterThanOrEqual(1);
    expect(await t.database.db.selectFrom('certificate_verifications').select('code').where('code', '=', c.code).execute()).toEqual([]);
    // A certificate inside its period is left alone by the same run.
    const kept = await certified(119);
    await t.app.services.privacy.applyRetention();
    expect((await verify(kept.code)).statusCode).toBe(200);
  });

  it('a holder who erases their data takes the record with them: the code no longer verifies', async () => {
    const c = await certified(1);
    expect((await verify(c.code)).statusCode).toBe(200);
    const erased = await t.app.inject({ method: 'DELETE', url: `/api/registrations/${c.holder.token}/personal-data` });
    expect(erased.statusCode, erased.body).toBe(200);
    expect((await verify(c.code)).statusCode).toBe(404);
    expect(await t.database.db.selectFrom('certificate_verifications').select('code').where('code', '=', c.code).execute()).toEqual([]);
  });
});
