// "My registration" once the cycle is over, on a phone (390×844): the outcome comes first and above the
// fold (meetings attended of those held, the certificate or what was missing and whom to ask), then the
// meetings with their marks, then the materials; no check-in QR, no calendar, no reserved-seat promise.
// Someone left on the waiting list and someone who cancelled get a short page without a certificate.
import type { Kysely } from 'kysely';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/schema.ts';
import { expectNoViolations, launchBrowser, newContext, screenshots, startWebApp, type WebApp } from '../helpers/browser.ts';
import { cycleMovedTo, markPresent, type Person } from '../integration/materials.support.ts';

let t: WebApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let anna: Person, bruno: Person, elena: Person, carla: Person;

beforeAll(async () => {
  t = await startWebApp();
  const db = t.database.db as Kysely<Database>;
  // Four meetings, all over; threshold 75%: three of four.
  const { sessions, people } = await cycleMovedTo(t.app, db, {
    days: [-20, -13, -6, -2],
    capacity: 3,
    title: 'Co-progettazione con il terzo settore',
    signUps: [
      { firstName: 'Anna', lastName: 'Bianchi' },
      { firstName: 'Bruno', lastName: 'Verdi' },
      { firstName: 'Elena', lastName: 'Russo' },
      { firstName: 'Carla', lastName: 'Neri' },
    ],
  });
  [anna, bruno, elena, carla] = people as [Person, Person, Person, Person];
  expect([anna.status, bruno.status, elena.status, carla.status]).toEqual(['confirmed', 'confirmed', 'confirmed', 'waitlisted']);
  const [s1, s2, s3] = sessions.map((s) => s.id) as [string, string, string];
  // Anna: present at three, the fourth never marked. Bruno: one of four.
  await markPresent(db, anna.id, [s1, s2, s3]);
  await markPresent(db, bruno.id, [s1]);
  await markPresent(db, bruno.id, [s2, s3], false);
  // Elena cancelled early on (written straight to the table: a cancellation through the API would move Carla up).
  await db
    .updateTable('registrations')
    .set({ status: 'cancelled', cancelled_at: new Date(), cancelled_by: 'participant' })
    .where('id', '=', elena.id)
    .execute();
  // Anna's certificate is issued (its first request does it).
  const pdf = await t.app.inject({ method: 'GET', url: `/api/registrations/${anna.token}/certificate` });
  expect(pdf.statusCode).toBe(200);

  browser = await launchBrowser();
  context = await newContext(browser, { viewport: { width: 390, height: 844 } });
  page = await context.newPage();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await t?.close();
});

const marks = (p: Page) => p.locator('#attendance li').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.mark));

/** Nothing that was for before the cycle: the QR, the calendar, the seat and reminders, the check-in, cancelling. */
async function expectNothingForBefore(p: Page) {
  expect(await p.locator('#registration-qr').count()).toBe(0);
  expect(await p.locator('#calendar-heading, #calendar-subscribe, #calendar-download').count()).toBe(0);
  expect(await p.locator('#cancel-link').count()).toBe(0);
  expect(await p.locator('main').innerText()).not.toContain('promemoria');
  expect(await p.locator('main').innerText()).not.toContain('posto è riservato');
}

describe('"my registration" after the cycle', () => {
  it('leads with the outcome above the fold: 3 meetings of 4 and the certificate; then each meeting with its mark', async () => {
    const res = await page.goto(`${t.baseUrl}/iscrizione/${anna.token}`);
    expect(res?.status()).toBe(200);
    const box = await page.locator('#outcome').boundingBox();
    expect(box!.y).toBeLessThan(844);
    expect(await page.locator('#outcome h2').innerText()).toBe('Ciclo concluso');
    expect(await page.locator('#outcome-attended').innerText()).toBe('Hai partecipato a 3 incontri su 4.');
    expect(await page.locator('#outcome #certificate-download').getAttribute('href')).toBe(`/api/registrations/${anna.token}/certificate?lang=it`);
    expect(await page.locator('#outcome #certificate-code').count()).toBe(1);
    expect(await marks(page)).toEqual(['present', 'present', 'present', 'none']);
    expect(await page.locator('#attendance li').last().innerText()).toContain('Presenza non registrata');
    // The outcome, then the meetings, then the materials, in that order.
    const order = await page.locator('#outcome, #attendance, #materials').evaluateAll((els) => els.map((e) => e.id));
    expect(order).toEqual(['outcome', 'attendance', 'materials']);
    await expectNothingForBefore(page);
    await screenshots(page, 'registration-after-certificate');
    await expectNoViolations(page, 'my registration after the cycle, certificate');
  });

  it('below the threshold: what was missing and whom to write to, no certificate', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${t.baseUrl}/iscrizione/${bruno.token}`);
    const box = await page.locator('#outcome').boundingBox();
    expect(box!.y).toBeLessThan(844);
    expect(await page.locator('#outcome-attended').innerText()).toBe('Hai partecipato a 1 incontro su 4.');
    expect(await page.locator('#certificate-status').innerText()).toContain('servivano almeno 3 incontri su 4');
    expect(await page.locator('#outcome-contact').innerText()).toContain('scrivi a chi organizza il ciclo');
    expect(await page.locator('#certificate-download').count()).toBe(0);
    expect(await marks(page)).toEqual(['present', 'absent', 'absent', 'none']);
    await expectNothingForBefore(page);
    await screenshots(page, 'registration-after-below');
    await expectNoViolations(page, 'my registration after the cycle, below the threshold');
  });

  it('in English too', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${t.baseUrl}/en/iscrizione/${bruno.token}`);
    expect(await page.locator('#outcome h2').innerText()).toBe('Cycle completed');
    expect(await page.locator('#outcome-attended').innerText()).toBe('You attended 1 meeting out of 4.');
    expect(await page.locator('#certificate-status').innerText()).toContain('at least 3 meetings out of 4');
    await expectNoViolations(page, 'my registration after the cycle (en)', { widths: [390] });
  });

  it('left on the waiting list, or cancelled: a short page, no certificate, no meetings to mark', async () => {
    for (const [who, what, text] of [
      [carla, 'waiting list', "Eri in lista d'attesa"],
      [elena, 'cancelled', 'era stata annullata'],
    ] as const) {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${t.baseUrl}/iscrizione/${who.token}`);
      expect((await page.locator('#outcome').boundingBox())!.y).toBeLessThan(844);
      expect(await page.locator('#outcome-status').innerText()).toContain(text);
      expect(await page.locator('#certificate, #certificate-download, #attendance').count()).toBe(0);
      await expectNothingForBefore(page);
      await expectNoViolations(page, `my registration after the cycle: ${what}`, { widths: [390] });
    }
    await screenshots(page, 'registration-after-cancelled');
  });
});
