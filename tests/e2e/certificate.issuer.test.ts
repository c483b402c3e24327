// Issue 15, certificates with institutional weight, in a real browser on a phone: the organiser writes
// the cycle's training credits in the console form, the public cycle page shows them, and the
// verification page of a certificate names the issuing body, the signatory and the credits.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoViolations, launchBrowser, newContext, startWebApp, type WebApp } from '../helpers/browser.ts';
import { createCycle } from '../helpers/factories.ts';
import { seedConsole, signInThroughPage, type ConsoleWorld } from './console.fixture.ts';
import { endedCycleWithMaterials, issueCertificate } from './materials.fixture.ts';

const PHONE = { width: 390, height: 844 };
const SHOTS = '/tmp/shots';
const CREDITS = '6 crediti per assistenti sociali (CROAS Lombardia)';
const AUDIENCE = 'Assistenti sociali e mediatori culturali dei servizi comunali';
const ISSUER = {
  CERTIFICATE_ISSUER_NAME: 'ANCI Lombardia',
  CERTIFICATE_SIGNATORY_NAME: 'Maria Bianchi',
  CERTIFICATE_SIGNATORY_ROLE: "Responsabile del programma Lab'Impact",
};

let t: WebApp;
let w: ConsoleWorld;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  t = await startWebApp(ISSUER);
  w = await seedConsole(t);
  browser = await launchBrowser();
  context = await newContext(browser, { viewport: PHONE, isMobile: true, hasTouch: true });
  page = await context.newPage();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await t?.close();
});

describe('training credits and whom the cycle is for, from the console to the cycle page', () => {
  it('are written in the cycle form, saved, shown again in the form and on the public cycle page', async () => {
    const { cycle } = await createCycle(t.database.db, { title: 'Welfare di comunità', themeSlug: w.themeSlug });
    await t.database.db.insertInto('cycle_organisers').values({ cycle_id: cycle.id, account_id: w.organiser.id }).execute();
    await signInThroughPage(page, t.baseUrl, w.organiser);
    await page.goto(`${t.baseUrl}/console/cicli/${cycle.id}/modifica`);
    await page.fill('#credits', CREDITS);
    await page.fill('#audience', AUDIENCE);
    await expectNoViolations(page, 'cycle form with credits', { widths: [PHONE.width], noSideScroll: true });
    await Promise.all([page.waitForURL(/\?salvato=1/), page.click('.cycle-form button[type=submit]')]);
    const stored = await t.database.db.selectFrom('cycles').select(['credits', 'audience']).where('id', '=', cycle.id).executeTakeFirstOrThrow();
    expect(stored).toEqual({ credits: CREDITS, audience: AUDIENCE });

    await page.goto(`${t.baseUrl}/console/cicli/${cycle.id}/modifica`);
    expect(await page.locator('#credits').inputValue()).toBe(CREDITS);
    expect(await page.locator('#audience').inputValue()).toBe(AUDIENCE);

    await page.goto(`${t.baseUrl}/cicli/${cycle.slug}`);
    expect(await page.locator('#cycle-credits').innerText()).toBe(CREDITS);
    expect(await page.locator('#cycle-audience').innerText()).toBe(AUDIENCE);
    await expectNoViolations(page, 'cycle page with credits', { widths: [PHONE.width], noSideScroll: true });
    await page.screenshot({ path: `${SHOTS}/cert-cycle-credits.png`, fullPage: true });
  });
});

describe('/verifica/<code>', () => {
  it('names the issuing body, the signatory and the credits (it, en), with no axe-core violations', async () => {
    const ended = await endedCycleWithMaterials(t, { title: 'Lavoro sociale e comunità' });
    await t.database.db.updateTable('cycles').set({ credits: CREDITS }).where('id', '=', ended.cycle.id).execute();
    const code = await issueCertificate(t, ended.anna.token);

    await page.goto(`${t.baseUrl}/verifica/${code}`);
    expect(await page.locator('#verify-result').innerText()).toContain(`rilasciato da ${ISSUER.CERTIFICATE_ISSUER_NAME}`);
    expect(await page.locator('#verify-result').innerText()).not.toContain('Officina');
    expect(await page.locator('#verify-issuer').innerText()).toBe(ISSUER.CERTIFICATE_ISSUER_NAME);
    expect(await page.locator('#verify-signatory').innerText()).toBe(`${ISSUER.CERTIFICATE_SIGNATORY_NAME}\n${ISSUER.CERTIFICATE_SIGNATORY_ROLE}`);
    expect(await page.locator('#verify-credits').innerText()).toBe(CREDITS);
    expect(await page.locator('#verify-dates').innerText()).not.toBe('');
    // The holder's organisation stays off the public page (the least data that proves the certificate).
    expect(await page.locator('main').innerText()).not.toContain('Comune di Lodi');
    await expectNoViolations(page, 'verify result with issuer and credits (it)', { widths: [PHONE.width], noSideScroll: true });
    await page.screenshot({ path: `${SHOTS}/cert-verify-it.png`, fullPage: true });

    await page.goto(`${t.baseUrl}/en/verifica/${code}`);
    expect(await page.locator('#verify-result').innerText()).toContain(`issued by ${ISSUER.CERTIFICATE_ISSUER_NAME}`);
    expect(await page.locator('#verify-credits').getAttribute('lang')).toBe('it');
    await expectNoViolations(page, 'verify result with issuer and credits (en)', { widths: [PHONE.width], noSideScroll: true });
    await page.screenshot({ path: `${SHOTS}/cert-verify-en.png`, fullPage: true });
  });
});
