// The demo's finished cycle shows the whole journey (issue 15): seeded into a fresh database as the server
// does it, it has a register (some reach the threshold, some not), certificates that download and verify,
// materials that download, and one participant whose printed "my registration" link opens it all.
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeDemoJourney, demoShowcaseLink, PAST_CYCLE } from '../../db/seeds/demo.journey.ts';
import { DEMO_PEOPLE } from '../../db/seeds/demo.people.ts';
import { seedDemoIfEmpty } from '../../db/seeds/demo.ts';
import { silentNotifier } from '../../server/modules/notifications/notifications.service.ts';
import { buildServices } from '../../server/services.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
let token = '';
const now = new Date();

async function pdfText(bytes: Buffer): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(bytes) });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}

beforeAll(async () => {
  t = await buildTestApp();
  const db = t.database.db;
  expect(await seedDemoIfEmpty(db, now)).toBeGreaterThan(0);
  // As server.ts does it: the app's services, telling no one.
  const app = { secretKey: t.config.secretKey!, publicUrl: t.config.publicUrl };
  const { services } = buildServices(t.config, { db, secretKey: app.secretKey, notifier: silentNotifier, clock: () => now });
  expect(await completeDemoJourney(db, services, app)).toEqual({ certificates: 6, materials: 2 });
  const link = await demoShowcaseLink(db, app);
  expect(link).toMatch(new RegExp(`^${t.config.publicUrl}/iscrizione/[A-Za-z0-9_-]{43}$`));
  token = link!.split('/').pop()!;
});
afterAll(async () => t?.close());

describe('the demo’s finished cycle', () => {
  it('has a register: everyone marked at every meeting, some at or above the threshold, some below', async () => {
    const rows = await t.database.db
      .selectFrom('attendance as a')
      .innerJoin('registrations as r', 'r.id', 'a.registration_id')
      .innerJoin('cycles as c', 'c.id', 'r.cycle_id')
      .select(['a.registration_id', 'a.present'])
      .where('c.slug', '=', PAST_CYCLE.slug)
      .execute();
    expect(rows).toHaveLength(10 * 3);
    const present = new Map<string, number>();
    for (const r of rows) present.set(r.registration_id, (present.get(r.registration_id) ?? 0) + (r.present ? 1 : 0));
    expect([...present.values()].sort()).toEqual([0, 1, 2, 2, 3, 3, 3, 3, 3, 3]);
    // Only the past cycle has marks: the others have not begun.
    expect(
      Number(
        (
          await t.database.db
            .selectFrom('attendance')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    ).toBe(30);
  });

  it('has certificates for those who reached it, not for the others, and they download and verify', async () => {
    const certs = await t.database.db
      .selectFrom('certificates as k')
      .innerJoin('registrations as r', 'r.id', 'k.registration_id')
      .select(['k.code', 'k.name', 'k.attended_sessions', 'r.first_name'])
      .execute();
    expect(certs).toHaveLength(6);
    expect(certs.map((c) => c.first_name)).not.toContain(DEMO_PEOPLE['andrea.villa']!.firstName);
    for (const c of certs) {
      expect(c.attended_sessions).toBe(3);
      const verified = await t.app.inject({ url: `/api/certificates/${c.code}` });
      expect(verified.statusCode, verified.body).toBe(200);
      expect(verified.json()).toMatchObject({ name: c.name, attendedSessions: 3, heldSessions: 3, cycle: { slug: PAST_CYCLE.slug } });
    }

    const pdf = await t.app.inject({ url: `/api/registrations/${token}/certificate` });
    expect(pdf.statusCode, pdf.body).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const showcase = DEMO_PEOPLE[PAST_CYCLE.showcase]!;
    expect(await pdfText(pdf.rawPayload)).toContain(`${showcase.firstName} ${showcase.lastName}`);
  });

  it('opens the showcase’s page after the cycle: outcome, certificate and materials, each downloadable', async () => {
    const res = await t.app.inject({ url: `/api/registrations/${token}` });
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json();
    expect(page.cycle).toMatchObject({ slug: PAST_CYCLE.slug, status: 'past' });
    expect(page.outcome).toEqual({ attended: 3, held: 3, required: 3 });
    expect(page.certificate).toMatchObject({ code: expect.any(String) });
    expect(page.materials.map((m: { title: string; visibility: string }) => [m.title, m.visibility])).toEqual(
      expect.arrayContaining([
        ['Slide del primo incontro', 'attended'],
        ['Sintesi dei lavori del laboratorio', 'registered'],
      ]),
    );
    for (const m of page.materials as { url: string; fileName: string }[]) {
      const file = await t.app.inject({ url: new URL(m.url).pathname });
      expect(file.statusCode, m.url).toBe(200);
      expect(file.headers['content-type']).toContain('application/pdf');
      expect(file.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(await pdfText(file.rawPayload)).toContain(PAST_CYCLE.title.slice(0, 30));
    }
    // Its private calendar works too.
    const feed = await t.app.inject({ url: new URL(page.registration.calendarUrl).pathname });
    expect(feed.statusCode).toBe(200);
    expect(feed.body).toContain('BEGIN:VCALENDAR');
  });
});
