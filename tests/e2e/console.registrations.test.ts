// The registrations page of a cycle in a real browser: correcting a participant's name (it goes on the
// certificate) and searching the list by name, address or organisation, with and without JavaScript,
// together with the status filter.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoViolations, launchBrowser, newContext, startWebApp, type WebApp } from '../helpers/browser.ts';
import { createCycle } from '../helpers/factories.ts';
import { seedConsole, signInThroughPage, signUp, type ConsoleWorld } from './console.fixture.ts';

const PHONE = { width: 390, height: 844 };
const SHOTS = '/tmp/shots';

let t: WebApp;
let w: ConsoleWorld;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let cycleId = '';
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await startWebApp();
  w = await seedConsole(t);
  const { cycle } = await createCycle(t.database.db, { slug: 'welfare-di-comunita', title: 'Welfare di comunità', themeSlug: w.themeSlug, capacity: 2 });
  cycleId = cycle.id;
  await t.database.db.insertInto('cycle_organisers').values({ cycle_id: cycleId, account_id: w.organiser.id }).execute();
  for (const [firstName, lastName, organisation] of [
    ['Giulai', 'Rosi', 'Comune di Dalmine'],
    ['Marco', 'Bianchi', 'ASST Bergamo Ovest'],
    ['Carla', 'Bianchini', 'Comune di Treviolo'],
  ] as const) {
    ids[firstName] = (await signUp(t, cycle.slug, { firstName, lastName, organisation })).registration.id;
  }
  browser = await launchBrowser();
  context = await newContext(browser, { viewport: PHONE });
  page = await context.newPage();
  await signInThroughPage(page, t.baseUrl, w.organiser);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await t?.close();
});

const rowNames = async (p: Page) => p.locator('#registrations tbody th .name').allInnerTexts();

describe('the registrations page', () => {
  it('corrects a participant’s name and organisation from the table, on a phone', async () => {
    await page.goto(`${t.baseUrl}/console/cicli/${cycleId}/iscrizioni`);
    await Promise.all([page.waitForURL(/correggi=/), page.locator(`#r-${ids.Giulai} a`, { hasText: 'Correggi' }).click()]);
    await page.locator('#correct').waitFor();
    expect(await page.locator('#correct-heading').innerText()).toBe('Correggi i dati di Giulai Rosi');
    expect(await page.inputValue('#c-firstName')).toBe('Giulai');
    await expectNoViolations(page, 'correction form', { widths: [390], noSideScroll: true });
    await page.screenshot({ path: `${SHOTS}/con-correct-form-390.png`, fullPage: true });

    await page.fill('#c-firstName', '');
    await page.click('#correct-submit');
    await page.locator('#correct-errors').waitFor();
    expect(await page.locator('#c-firstName-error').innerText()).toContain('nome');

    await page.fill('#c-firstName', 'Giulia');
    await page.fill('#c-lastName', 'Rossi');
    await page.fill('#c-organisation', 'Comune di Dalmine (BG)');
    await page.click('#correct-submit');
    await page.locator('#correct-done').waitFor();
    expect(await page.locator('#correct-done').innerText()).toContain('Giulia Rossi');
    expect(await page.locator(`#r-${ids.Giulai} th .name`).innerText()).toBe('Rossi Giulia');
    expect(await page.locator(`#r-${ids.Giulai}`).innerText()).toContain('Comune di Dalmine (BG)');
    await page.screenshot({ path: `${SHOTS}/con-correct-done-390.png`, fullPage: true });
  });

  it('searches by name, address or organisation, with the status filter', async () => {
    await page.goto(`${t.baseUrl}/console/cicli/${cycleId}/iscrizioni`);
    await page.fill('#q', 'bianchi');
    await Promise.all([page.waitForURL(/q=bianchi/), page.click('#filter-submit')]);
    expect(await rowNames(page)).toEqual(['Bianchi Marco', 'Bianchini Carla']);
    expect(await page.inputValue('#q')).toBe('bianchi');

    await page.selectOption('#stato', 'waitlisted');
    await Promise.all([page.waitForURL(/stato=waitlisted/), page.click('#filter-submit')]);
    expect(await rowNames(page)).toEqual(['Bianchini Carla']);

    await page.fill('#q', 'nessuno-così');
    await Promise.all([page.waitForURL(/q=nessuno/), page.click('#filter-submit')]);
    expect(await page.locator('#registrations-none').innerText()).toContain('«nessuno-così»');
    await expectNoViolations(page, 'search without results', { widths: [390], noSideScroll: true });
  });

  it('searches without JavaScript too: a plain GET form', async () => {
    const plain = await newContext(browser, { javaScriptEnabled: false, viewport: PHONE });
    try {
      const p = await plain.newPage();
      await signInThroughPage(p, t.baseUrl, w.organiser);
      await p.goto(`${t.baseUrl}/console/cicli/${cycleId}/iscrizioni`);
      await p.fill('#q', 'treviolo');
      await Promise.all([p.waitForURL(/q=treviolo/), p.click('#filter-submit')]);
      expect(await rowNames(p)).toEqual(['Bianchini Carla']);
      await p.screenshot({ path: `${SHOTS}/con-search-nojs-390.png`, fullPage: true });
    } finally {
      await plain.close();
    }
  });
});
