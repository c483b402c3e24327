// Materials and the certificate on "my registration" and on the cycle's public page, in a real browser:
// who sees which material (registered, attended, waiting list), grouped by meeting with type and size;
// a file downloads; the certificate appears at the threshold and its PDF is served; axe-core in both
// languages; screenshots at 390 and 1280 px.
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoViolations, launchBrowser, newContext, screenshots, startWebApp, type WebApp } from '../helpers/browser.ts';
import { createCycle } from '../helpers/factories.ts';
import { signUp } from '../integration/materials.support.ts';
import { endedCycleWithMaterials, MATERIAL_TITLES as T, type EndedCycle } from './materials.fixture.ts';

let t: WebApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let ended: EndedCycle;

beforeAll(async () => {
  t = await startWebApp();
  ended = await endedCycleWithMaterials(t);
  browser = await launchBrowser();
  context = await newContext(browser, { acceptDownloads: true });
  page = await context.newPage();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await t?.close();
});

/** The materials section as [group heading, [titles]] pairs, in page order. */
async function groups(p: Page): Promise<[string, string[]][]> {
  return p
    .locator('#materials .group')
    .evaluateAll((els) =>
      els.map((g) => [
        (g.querySelector('h3') as HTMLElement).innerText.trim(),
        Array.from(g.querySelectorAll('.material-link .title')).map((e) => (e as HTMLElement).innerText.trim()),
      ]),
    ) as Promise<[string, string[]][]>;
}

describe('materials on "my registration"', () => {
  it('someone present at every meeting sees every material, grouped by meeting, with type and size; a file downloads', async () => {
    const res = await page.goto(`${t.baseUrl}/iscrizione/${ended.anna.token}`);
    expect(res?.status()).toBe(200);
    expect(await groups(page)).toEqual([
      ['Per tutto il ciclo', [T.bibliography]],
      ['Incontro 1: Incontro 1', [T.slides, T.ebook]],
      ['Incontro 2: Incontro 2', [T.recording]],
      ['Incontro 3: Incontro 3', [T.handout]],
    ]);
    // Each group says the day of its meeting, in Italian.
    expect(await page.locator('#materials .when').first().innerText()).toMatch(
      /^(lunedì|martedì|mercoledì|giovedì|venerdì|sabato|domenica) \d{1,2} \S+ \d{4}$/,
    );

    // Type and size follow the title and describe the link; restricted ones say for whom.
    const slides = page.locator(`#material-${ended.materialIds.slides}`);
    const slidesMeta = await page.locator(`#material-${ended.materialIds.slides}-meta`).innerText();
    expect(slidesMeta).toMatch(/^File PDF, \d+(,\d)? (B|KB)/);
    expect(slidesMeta).toContain('Riservato alle persone iscritte');
    expect(await slides.getAttribute('aria-describedby')).toBe(`material-${ended.materialIds.slides}-meta`);
    expect(await page.locator(`#material-${ended.materialIds.recording}-meta`).innerText()).toContain('Riservato a chi era presente');
    expect(await page.locator(`#material-${ended.materialIds.ebook}-meta`).innerText()).toContain('Link esterno');
    // Private files go through the person's own token; public ones have the shared address.
    expect(await slides.getAttribute('href')).toBe(`${t.baseUrl}/api/registrations/${ended.anna.token}/materials/${ended.materialIds.slides}/download`);
    expect(await page.locator(`#material-${ended.materialIds.handout}`).getAttribute('href')).toBe(
      `${t.baseUrl}/api/materials/${ended.materialIds.handout}/download`,
    );

    // Clicking the title downloads the file (not followed for links: they lead off this machine).
    const [download] = await Promise.all([page.waitForEvent('download'), slides.click()]);
    expect(download.suggestedFilename()).toBe('slide-incontro-1.pdf');
    const bytes = fs.readFileSync((await download.path())!);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const counted = await t.database.db.selectFrom('materials').select('download_count').where('id', '=', ended.materialIds.slides).executeTakeFirstOrThrow();
    expect(counted.download_count).toBe(1);

    await expectNoViolations(page, 'my registration with materials (it)');
    await screenshots(page, 'registration-materials-it');
  });

  it('someone present at the first meeting only sees what was for the registered and for that meeting', async () => {
    await page.goto(`${t.baseUrl}/iscrizione/${ended.bruno.token}`);
    expect(await groups(page)).toEqual([
      ['Per tutto il ciclo', [T.bibliography]],
      ['Incontro 1: Incontro 1', [T.slides, T.ebook]],
      ['Incontro 3: Incontro 3', [T.handout]],
    ]);
    expect(await page.locator('#materials').innerText()).not.toContain(T.recording);
  });

  it('someone on the waiting list sees only the public materials and no certificate section', async () => {
    await page.goto(`${t.baseUrl}/iscrizione/${ended.carla.token}`);
    expect(await groups(page)).toEqual([
      ['Per tutto il ciclo', [T.bibliography]],
      ['Incontro 3: Incontro 3', [T.handout]],
    ]);
    expect(await page.locator('#certificate').count()).toBe(0);
  });

  it('the English page shows the same materials with English words, and no violations', async () => {
    const res = await page.goto(`${t.baseUrl}/en/iscrizione/${ended.anna.token}`);
    expect(res?.status()).toBe(200);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    const g = await groups(page);
    expect(g.map(([h]) => h)).toEqual(['For the whole cycle', 'Meeting 1: Incontro 1', 'Meeting 2: Incontro 2', 'Meeting 3: Incontro 3']);
    expect(await page.locator(`#material-${ended.materialIds.slides}-meta`).innerText()).toMatch(/^PDF file, \d+(\.\d)? (B|KB)/);
    expect(await page.locator(`#material-${ended.materialIds.ebook}-meta`).innerText()).toContain('External link');
    // Titles written by organisers are Italian, and say so.
    expect(await page.locator(`#material-${ended.materialIds.slides} .title`).getAttribute('lang')).toBe('it');
    await expectNoViolations(page, 'my registration with materials (en)');
    await screenshots(page, 'registration-materials-en');
  });

  it('before any material exists, a confirmed person is told they will come after each meeting', async () => {
    const { cycle } = await createCycle(t.database.db, { title: 'Ciclo appena iniziato' });
    const fresh = await signUp(t.app, cycle.slug);
    await page.goto(`${t.baseUrl}/iscrizione/${fresh.token}`);
    expect(await page.locator('#materials-none').innerText()).toContain('Dopo ogni incontro');
    expect(await page.locator('#certificate-status').innerText()).toContain('Alla fine del ciclo');
    expect(await page.locator('#certificate-download').count()).toBe(0);
  });
});

describe('the certificate on "my registration"', () => {
  it('below the threshold there is no download, and the page says why', async () => {
    await page.goto(`${t.baseUrl}/iscrizione/${ended.bruno.token}`);
    expect(await page.locator('#certificate-download').count()).toBe(0);
    expect(await page.locator('#certificate-status').innerText()).toContain('non raggiungono la quota richiesta');
    const refused = await t.app.inject({ method: 'GET', url: `/api/registrations/${ended.bruno.token}/certificate` });
    expect(refused.statusCode).toBe(409);
  });

  it('at the threshold the PDF downloads in either language; once issued the code and the verification link appear', async () => {
    await page.goto(`${t.baseUrl}/iscrizione/${ended.anna.token}`);
    expect(await page.locator('#certificate-code').count()).toBe(0);
    const italian = page.locator('#certificate-download');
    expect(await italian.getAttribute('href')).toBe(`/api/registrations/${ended.anna.token}/certificate?lang=it`);
    expect(await page.locator('#certificate-download-other').getAttribute('href')).toBe(`/api/registrations/${ended.anna.token}/certificate?lang=en`);

    const [download] = await Promise.all([page.waitForEvent('download'), italian.click()]);
    expect(download.suggestedFilename()).toBe(`attestato-${ended.cycle.slug}.pdf`);
    const bytes = fs.readFileSync((await download.path())!);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    // Issued by that first download: the page now shows its code and the public check.
    await page.reload();
    const code = (await page.locator('#certificate-code').innerText()).trim();
    expect(code).toMatch(/^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{12}$/);
    expect(await page.locator('#certificate-verify-link').getAttribute('href')).toBe(`/verifica/${code}`);
    await screenshots(page, 'registration-certificate-it');

    // The English page offers the English PDF first.
    await page.goto(`${t.baseUrl}/en/iscrizione/${ended.anna.token}`);
    const en = page.locator('#certificate-download');
    expect(await en.innerText()).toBe('Download the certificate (PDF)');
    const res = await page.request.get(t.baseUrl + (await en.getAttribute('href'))!);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('application/pdf');
    expect(res.headers()['content-disposition']).toContain(`certificate-${ended.cycle.slug}.pdf`);
    expect((await res.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(await page.locator('#certificate-verify-link').getAttribute('href')).toBe(`/en/verifica/${code}`);

    // The verification page opened from there shows the holder.
    await page.click('#certificate-verify-link');
    await page.waitForURL(new RegExp(`/en/verifica/${code}$`));
    expect(await page.locator('#verify-name').innerText()).toBe(`Anna ${ended.anna.lastName}`);
  });
});

describe('materials on the public cycle page', () => {
  it('a past cycle shows its public materials only, in both languages, without violations', async () => {
    for (const lang of ['it', 'en'] as const) {
      const res = await page.goto(`${t.baseUrl}${lang === 'en' ? '/en' : ''}/cicli/${ended.cycle.slug}`);
      expect(res?.status()).toBe(200);
      expect(await groups(page)).toEqual([
        [lang === 'it' ? 'Per tutto il ciclo' : 'For the whole cycle', [T.bibliography]],
        [lang === 'it' ? 'Incontro 3: Incontro 3' : 'Meeting 3: Incontro 3', [T.handout]],
      ]);
      const text = await page.locator('main').innerText();
      for (const hidden of [T.slides, T.ebook, T.recording]) expect(text).not.toContain(hidden);
      // No visibility labels on the public page: everything there is public.
      expect(text).not.toContain(lang === 'it' ? 'Riservato' : 'For those who');
      expect(await page.locator(`#material-${ended.materialIds.handout}`).getAttribute('href')).toBe(
        `${t.baseUrl}/api/materials/${ended.materialIds.handout}/download`,
      );
      await expectNoViolations(page, `cycle page with materials (${lang})`);
      await screenshots(page, `cycle-materials-${lang}`);
    }
    // The public address serves the file to anyone.
    const res = await fetch(`${t.baseUrl}/api/materials/${ended.materialIds.handout}/download`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
  });
});
