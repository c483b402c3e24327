// A form sent from another address than the site's own (here: the page opened as localhost while the
// service answers as 127.0.0.1) is refused — no sign-up is stored — and the person is told why and
// which address to use, with the page's script and without it. Before, SvelteKit's bare 403 made the
// "Iscriviti" button do nothing at all.
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoViolations, fillSignup, launchBrowser, newContext, startWebApp, type WebApp } from '../helpers/browser.ts';
import { person, seedProgramme } from './programme.ts';

let t: WebApp;
let browser: Browser;
const contexts: BrowserContext[] = [];
const PHONE = { width: 390, height: 844 };
const SLUG = 'mediazione-interculturale';

beforeAll(async () => {
  t = await startWebApp();
  await seedProgramme(t);
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await t?.close();
});

/** The same server under the other name of the loopback address. */
const otherAddress = () => t.baseUrl.replace('127.0.0.1', 'localhost');

async function registrationsOf(email: string): Promise<number> {
  const row = await t.database.db
    .selectFrom('registrations')
    .innerJoin('participants', 'participants.id', 'registrations.participant_id')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('participants.email', '=', email)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('a form sent from another address than the site’s own', () => {
  it('with the page’s script: the sign-up is not stored and the page says which address to open', async () => {
    const context = await newContext(browser, { viewport: PHONE });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${otherAddress()}/cicli/${SLUG}`);
    await page.waitForLoadState('networkidle');
    const who = person('other-address-js');
    await fillSignup(page, { ...who, consent: true });
    await page.click('button[type=submit]');
    await page.locator('#form-refused-link').waitFor();
    expect(await page.locator('main').innerText()).toContain('Il modulo non è stato inviato');
    expect(await page.locator('main').innerText()).toContain(t.baseUrl);
    expect(await page.getAttribute('#form-refused-link', 'href')).toBe(`${t.baseUrl}/cicli/${SLUG}`);
    expect(await registrationsOf(who.email)).toBe(0);
    await expectNoViolations(page, 'form refused (script)');

    // The link leads to the right address, where the same sign-up goes through.
    await Promise.all([page.waitForURL(`${t.baseUrl}/cicli/${SLUG}`), page.click('#form-refused-link')]);
    await fillSignup(page, { ...who, consent: true });
    await Promise.all([page.waitForURL(/\?nuova=1$/), page.click('button[type=submit]')]);
    expect(await registrationsOf(who.email)).toBe(1);
  });

  it('without the page’s script: the same page comes back with the refusal above it, in English on an English page', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false, viewport: PHONE });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${otherAddress()}/en/cicli/${SLUG}`);
    const who = person('other-address-plain');
    await fillSignup(page, { ...who, consent: true });
    const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('button[type=submit]')]);
    expect(response.status()).toBe(403);
    await page.locator('#form-refused').waitFor();
    expect(await page.locator('#form-refused').innerText()).toContain('The form was not sent');
    expect(await page.getAttribute('#form-refused-link', 'href')).toBe(`${t.baseUrl}/en/cicli/${SLUG}`);
    expect(await registrationsOf(who.email)).toBe(0);
  });
});
