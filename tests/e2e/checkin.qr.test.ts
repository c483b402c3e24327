// The check-in QR in real Chromium: the console's scanner reads it on a browser without the native
// BarcodeDetector (as iPhone Safari and Firefox are) with the ZXing WebAssembly reader served by the
// app itself, fed by a fake camera that films the person's QR; the address the QR holds, opened in a
// browser as a phone's camera app would, leads to the page that explains it; and a browser with no
// camera says so beside the text field.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assign } from '../helpers/auth.ts';
import { expectNoViolations, launchBrowser, newContext, startWebApp, type WebApp } from '../helpers/browser.ts';
import { createCycle } from '../helpers/factories.ts';
import { seedConsole, signInThroughPage, signUp, type ConsoleWorld } from './console.fixture.ts';

let t: WebApp;
let w: ConsoleWorld;
let browser: Browser;
let sessionId = '';
let person: { id: string; token: string };

const PHONE = { width: 390, height: 844 };

beforeAll(async () => {
  t = await startWebApp();
  w = await seedConsole(t);
  browser = await launchBrowser();
  const { cycle, sessions } = await createCycle(t.database.db, { capacity: 10, sessionDays: [1, 7] });
  await assign(t.database.db, cycle.id, w.organiser.id);
  sessionId = sessions[0]!.id;
  const { registration, token } = await signUp(t, cycle.slug, { firstName: 'Sara', lastName: 'Verdi' });
  person = { id: registration.id, token };
  // Signed up the day before; now the meeting is under way, as when the organiser scans at the door
  // (presence is marked only from the meeting's check-in window).
  await t.database.db
    .updateTable('sessions')
    .set({ starts_at: new Date(Date.now() - 60_000), ends_at: new Date(Date.now() + 3 * 3_600_000) })
    .where('id', '=', sessionId)
    .execute();
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** A signed-in organiser's phone; `init` runs in every page before the page's own scripts. */
async function organiserPhone(init: { script: string; arg?: unknown } | null, options: Parameters<typeof newContext>[1] = {}) {
  const context = await newContext(browser, { viewport: PHONE, ...options });
  if (init) await context.addInitScript(init.script, init.arg);
  const page = await context.newPage();
  await signInThroughPage(page, t.baseUrl, w.organiser, `/console/accedi?next=${encodeURIComponent(`/console/incontri/${sessionId}`)}`);
  expect(new URL(page.url()).pathname).toBe(`/console/incontri/${sessionId}`);
  return { context, page };
}

// A browser like Safari or Firefox: no BarcodeDetector. Its camera films a canvas on which the QR
// image (a data: URL) is drawn, so the scanner sees exactly the PNG the participant got.
const NO_DETECTOR_FAKE_CAMERA = `(() => {
  delete window.BarcodeDetector;
  const png = ${'__PNG__'};
  navigator.mediaDevices.getUserMedia = async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 480;
    canvas.height = 480;
    const ctx = canvas.getContext('2d');
    const img = new Image();
    img.src = png;
    await img.decode();
    const draw = () => {
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, 480, 480);
      ctx.drawImage(img, 60, 60, 360, 360);
    };
    draw();
    setInterval(draw, 100);
    return canvas.captureStream(10);
  };
})();`;

describe('check-in QR', () => {
  it('the scanner reads the QR without the native BarcodeDetector, from our own assets only, and ticks the person', async () => {
    const png = await t.app.inject({ method: 'GET', url: `/api/registrations/${person.token}/qr?format=png` });
    expect(png.statusCode).toBe(200);
    const dataUrl = `data:image/png;base64,${png.rawPayload.toString('base64')}`;
    // The site's Content-Security-Policy applies here (not bypassed): the reader must compile under it.
    const { context, page } = await organiserPhone({ script: NO_DETECTOR_FAKE_CAMERA.replace('__PNG__', JSON.stringify(dataUrl)) }, { bypassCSP: false });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const blocked: string[] = [];
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) blocked.push(msg.text());
    });
    try {
      await page.reload();
      expect(await page.evaluate(() => 'BarcodeDetector' in window)).toBe(false);
      const sara = page.locator('#roster li', { hasText: 'Verdi Sara' });
      expect(await sara.locator('button').getAttribute('aria-pressed')).toBe('false');

      await page.click('#qr-camera');
      await expect.poll(() => page.locator('#qr-result').innerText(), { timeout: 30_000 }).toContain('Sara Verdi');
      expect(await page.locator('#qr-result').innerText()).toContain('presenza registrata');
      await expect.poll(() => sara.locator('button').getAttribute('aria-pressed')).toBe('true');
      const row = await t.database.db.selectFrom('attendance').selectAll().where('registration_id', '=', person.id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ session_id: sessionId, present: true, method: 'qr' });

      // The reader came from the app: its .wasm among our built assets, and no request left the site.
      expect(requests.some((u) => u.startsWith(`${t.baseUrl}/_app/immutable/assets/`) && u.endsWith('.wasm'))).toBe(true);
      const elsewhere = requests.filter((u) => !u.startsWith(`${t.baseUrl}/`) && !u.startsWith('data:') && !u.startsWith('blob:'));
      expect(elsewhere).toEqual([]);
      expect(blocked).toEqual([]);
      await page.click('text=Ferma la fotocamera');
    } finally {
      await context.close();
    }
  });

  it('without a camera the scanner says why, beside the text field, and the field still works', async () => {
    const noCamera = `Object.defineProperty(Navigator.prototype, 'mediaDevices', { get: () => undefined, configurable: true });`;
    const { context, page } = await organiserPhone({ script: noCamera });
    try {
      await expect.poll(() => page.locator('#qr-no-camera').isVisible()).toBe(true);
      expect(await page.locator('#qr-no-camera').innerText()).toContain('non può usare la fotocamera');
      expect(await page.locator('#qr').getAttribute('aria-describedby')).toBe('qr-hint qr-no-camera');
      expect(await page.locator('#qr-camera').count()).toBe(0);
      await expectNoViolations(page, 'meeting page without a camera');
      // Pasting the address the QR holds checks the person in (again: already present).
      await page.setViewportSize(PHONE);
      await page.fill('#qr', t.app.services.attendance.qrPayload(person.id, 1));
      await page.click('#qr-submit');
      await expect.poll(() => page.locator('#qr-result').innerText()).toContain('Sara Verdi');
      await page.screenshot({ path: '/tmp/qr/scanner-no-camera.png', fullPage: true });
    } finally {
      await context.close();
    }
  });

  it('the QR’s address, opened by a phone, is the page that says what the code is for (Italian and English)', async () => {
    const url = t.app.services.attendance.qrPayload(person.id, 1);
    expect(url.startsWith(`${t.baseUrl}/qr/`)).toBe(true);
    const context = await newContext(browser, { viewport: PHONE });
    try {
      const page = await context.newPage();
      const res = await page.goto(url);
      expect(res?.status()).toBe(200);
      expect(res?.headers()['cache-control']).toBe('no-store');
      expect(await page.locator('h1').innerText()).toBe('Codice QR per le presenze');
      const text = await page.locator('main').innerText();
      expect(text).toContain('mostra il codice a chi organizza');
      // Nobody's data: the code names no one and the page looks nothing up.
      expect(text).not.toContain('Sara');
      expect(text).not.toContain('Verdi');
      expect(await page.locator('#pass-lost-links').getAttribute('href')).toBe('/recupera-link');
      await expectNoViolations(page, 'check-in QR page', { noSideScroll: true });
      await page.setViewportSize(PHONE);
      await page.screenshot({ path: '/tmp/qr/pass-it.png', fullPage: true });

      const en = await page.goto(url.replace('/qr/', '/en/qr/'));
      expect(en?.status()).toBe(200);
      expect(await page.locator('h1').innerText()).toBe('Check-in QR code');
      expect(await page.locator('#pass-lost-links').getAttribute('href')).toBe('/en/recupera-link');
      await expectNoViolations(page, 'check-in QR page, English', { noSideScroll: true });

      // Not shaped like a check-in code: not found.
      expect((await page.goto(`${t.baseUrl}/qr/not-a-code`))?.status()).toBe(404);
    } finally {
      await context.close();
    }
  });
});
