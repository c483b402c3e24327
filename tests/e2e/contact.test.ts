// Issue 15 in a real browser, on a phone: the organiser names the cycle's contact in the console, and
// the public cycle page and "my registration" show it with links a phone can act on (mailto:, tel:).
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoViolations, launchBrowser, newContext, startWebApp, type WebApp } from '../helpers/browser.ts';
import { createCycle } from '../helpers/factories.ts';
import { seedConsole, signInThroughPage, signUp, type ConsoleWorld } from './console.fixture.ts';

const PHONE = { width: 390, height: 844 };
const SHOTS = '/tmp/officina-contact';

let t: WebApp;
let w: ConsoleWorld;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let cycleId = '';
let slug = '';
let token = '';

beforeAll(async () => {
  t = await startWebApp();
  w = await seedConsole(t);
  const { cycle } = await createCycle(t.database.db, { slug: 'welfare-di-comunita', title: 'Welfare di comunità', themeSlug: w.themeSlug });
  [cycleId, slug] = [cycle.id, cycle.slug];
  await t.database.db.insertInto('cycle_organisers').values({ cycle_id: cycleId, account_id: w.organiser.id }).execute();
  ({ token } = await signUp(t, slug, { firstName: 'Giulia', lastName: 'Rossi' }));
  browser = await launchBrowser();
  context = await newContext(browser, { viewport: PHONE, isMobile: true, hasTouch: true });
  page = await context.newPage();
  await signInThroughPage(page, t.baseUrl, w.organiser);
  fs.mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await t?.close();
});

async function expectContact(where: string) {
  expect(await page.locator('#contact-name').innerText(), where).toBe('Marta Colombo');
  expect(await page.locator('#contact-email').getAttribute('href'), where).toBe('mailto:marta.colombo@comune.example.it');
  expect(await page.locator('#contact-phone').getAttribute('href'), where).toBe('tel:+390212345678');
  expect(await page.locator('#contact-phone').innerText(), where).toBe('+39 02 1234 5678');
}

describe('the contact of a cycle, from the console to the participant', () => {
  it('is set in the console cycle form, with a message next to a field left out', async () => {
    await page.goto(`${t.baseUrl}/console/cicli/${cycleId}/modifica`);
    await expectNoViolations(page, 'cycle form with contact fields', { widths: [PHONE.width], noSideScroll: true });
    await page.fill('#contactName', 'Marta Colombo');
    await page.click('.cycle-form button[type=submit]');
    await page.locator('#contactEmail-error').waitFor();
    expect(await page.locator('#contactEmail-error').innerText()).toContain('Scrivi l’email del contatto.');
    expect(await page.locator('#contactEmail').getAttribute('aria-invalid')).toBe('true');
    await page.screenshot({ path: `${SHOTS}/console-form-error.png`, fullPage: true });

    await page.fill('#contactEmail', 'marta.colombo@comune.example.it');
    await page.fill('#contactPhone', '+39 02 1234 5678');
    await Promise.all([page.waitForURL(/\?salvato=1/), page.click('.cycle-form button[type=submit]')]);
    const stored = await t.database.db
      .selectFrom('cycles')
      .select(['contact_name', 'contact_email', 'contact_phone'])
      .where('id', '=', cycleId)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ contact_name: 'Marta Colombo', contact_email: 'marta.colombo@comune.example.it', contact_phone: '+39 02 1234 5678' });

    // Reopened, the form shows the contact as saved.
    await page.goto(`${t.baseUrl}/console/cicli/${cycleId}/modifica`);
    expect(await page.locator('#contactName').inputValue()).toBe('Marta Colombo');
    expect(await page.locator('#contactPhone').inputValue()).toBe('+39 02 1234 5678');
  });

  it('shows on the public cycle page', async () => {
    await page.goto(`${t.baseUrl}/cicli/${slug}`);
    await expectContact('cycle page');
    expect(await page.locator('#contact').innerText()).toContain('Per domande sul ciclo');
    await expectNoViolations(page, 'cycle page with its contact', { widths: [PHONE.width], noSideScroll: true });
    await page.screenshot({ path: `${SHOTS}/cycle-page.png`, fullPage: true });
  });

  it('shows on "my registration", in English too', async () => {
    await page.goto(`${t.baseUrl}/iscrizione/${token}`);
    await expectContact('my registration');
    expect(await page.locator('#contact').innerText()).toContain('Per domande sulla tua iscrizione');
    await expectNoViolations(page, 'my registration with the contact', { widths: [PHONE.width], noSideScroll: true });
    await page.screenshot({ path: `${SHOTS}/my-registration.png`, fullPage: true });

    await page.goto(`${t.baseUrl}/en/iscrizione/${token}`);
    await expectContact('my registration in English');
    expect(await page.locator('#contact').innerText()).toContain('For questions about your registration');
  });
});
