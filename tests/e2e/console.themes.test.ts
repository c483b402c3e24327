// The console's Temi page in a real browser: an administrator renames and reorders a theme, changes the
// address of an unused one, deletes an unused one, and is told (next to the field, without violations)
// why a theme with cycles keeps its address and can't be deleted; organisers don't see the page.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoViolations, launchBrowser, newContext, startWebApp, type WebApp } from '../helpers/browser.ts';
import { createCycle, createTheme } from '../helpers/factories.ts';
import { seedConsole, signInThroughPage, type ConsoleWorld } from './console.fixture.ts';

let t: WebApp;
let w: ConsoleWorld;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  t = await startWebApp();
  w = await seedConsole(t);
  // w.themeSlug has a cycle; "scuola" has none.
  await createCycle(t.database.db, { themeSlug: w.themeSlug, title: 'La mediazione interculturale' });
  await createTheme(t.database.db, 'scuola');
  browser = await launchBrowser();
  context = await newContext(browser);
  page = await context.newPage();
  await signInThroughPage(page, t.baseUrl, w.admin, '/console/accedi?next=/console/temi');
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await t?.close();
});

const themes = () => t.database.db.selectFrom('themes').select(['slug', 'name_it', 'name_en', 'position']).orderBy('slug').execute();
const row = (text: string) => page.locator('#themes tbody tr', { hasText: text });

describe('Temi, administrator', () => {
  it('lists themes with their cycles; only the unused one can be deleted', async () => {
    expect(new URL(page.url()).pathname).toBe('/console/temi');
    expect(await page.locator('#themes caption').innerText()).toBe('Temi (2)');
    expect(await row(w.themeSlug).innerText()).toContain('In uso: non eliminabile');
    expect(await row(w.themeSlug).locator('button').count()).toBe(0);
    expect(await row('scuola').locator('button').innerText()).toContain('Elimina');
  });

  it('renames a theme in use and moves it; its address stays, and says why', async () => {
    await Promise.all([page.waitForURL(/modifica=/), row(w.themeSlug).locator('a').click()]);
    expect(await page.locator('#edit-theme-heading').innerText()).toBe(`Modifica il tema «Tema ${w.themeSlug}»`);
    expect(await page.locator('#e-slug').innerText()).toBe(`Indirizzo: ${w.themeSlug}. Non si può cambiare finché il tema ha dei cicli.`);
    await page.fill('#e-nameIt', 'Mediazione interculturale');
    await page.fill('#e-position', '20000');
    await page.click('#save-theme');
    await expect.poll(() => page.locator('#update-errors').innerText()).toContain('Posizione: Scrivi un numero intero da 0 a 10000');
    await expectNoViolations(page, 'theme edit with errors', { widths: null });

    await page.fill('#e-position', '5');
    await page.click('#save-theme');
    await expect.poll(() => page.locator('#theme-done').innerText()).toBe('Tema «Mediazione interculturale» aggiornato.');
    expect((await themes()).find((x) => x.slug === w.themeSlug)).toMatchObject({ name_it: 'Mediazione interculturale', position: 5 });
  });

  it('changes the address of an unused theme; a taken address is refused next to the field', async () => {
    await page.goto(`${t.baseUrl}/console/temi?modifica=scuola`);
    await page.fill('#e-slug', w.themeSlug);
    await page.click('#save-theme');
    await expect.poll(() => page.locator('#update-errors').innerText()).toContain(`Campo slug: esiste già un tema «${w.themeSlug}»`);
    await page.fill('#e-slug', 'scuola-e-territorio');
    await page.click('#save-theme');
    await expect.poll(() => page.locator('#theme-done').innerText()).toBe('Tema «Tema scuola» aggiornato.');
    expect((await themes()).map((x) => x.slug)).toEqual([w.themeSlug, 'scuola-e-territorio'].sort());
  });

  it('deletes the unused theme', async () => {
    await page.goto(`${t.baseUrl}/console/temi`);
    await row('scuola-e-territorio').locator('button').click();
    await expect.poll(() => page.locator('#theme-done').innerText()).toBe('Tema «Tema scuola» eliminato.');
    await expect.poll(() => page.locator('#themes tbody tr').count()).toBe(1);
    expect((await themes()).map((x) => x.slug)).toEqual([w.themeSlug]);
  });
});

describe('Temi, organiser', () => {
  it('is not in the organiser’s console bar, and the page answers 403', async () => {
    const ctx = await newContext(browser);
    try {
      const p = await ctx.newPage();
      await signInThroughPage(p, t.baseUrl, w.organiser);
      expect(await p.locator('.console-bar nav').innerText()).not.toContain('Temi');
      const res = await p.goto(`${t.baseUrl}/console/temi`);
      expect(res?.status()).toBe(403);
      expect(await p.locator('h1').innerText()).toBe('Non hai accesso a questa pagina');
    } finally {
      await ctx.close();
    }
  });
});
