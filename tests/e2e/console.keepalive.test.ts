// The roster page keeps an organiser's sign-in alive while they work (SignInKeepAlive.svelte): with
// the browser's clock fast-forwarded, an untouched page sends nothing, a touched one sends one
// GET /api/auth/me per 5 minutes, and a sign-in that ended all the same sends the person to sign in.
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, startWebApp, type WebApp } from '../helpers/browser.ts';
import { createCycle } from '../helpers/factories.ts';
import { seedConsole, signInThroughPage, type ConsoleWorld } from './console.fixture.ts';

let t: WebApp;
let w: ConsoleWorld;
let browser: Browser;
let ctx: BrowserContext;
let sessionId = '';

beforeAll(async () => {
  t = await startWebApp();
  w = await seedConsole(t);
  const { cycle, sessions } = await createCycle(t.database.db, { themeSlug: w.themeSlug, sessionDays: [-1 / 24, 7] });
  sessionId = sessions[0]!.id;
  await t.database.db.insertInto('cycle_organisers').values({ cycle_id: cycle.id, account_id: w.organiser.id }).execute();
  browser = await launchBrowser();
  ctx = await newContext(browser);
  await signInThroughPage(await ctx.newPage(), t.baseUrl, w.organiser);
});

afterAll(async () => {
  await ctx?.close();
  await browser?.close();
  await t?.close();
});

describe('roster keep-alive', () => {
  it('pings only while the organiser interacts, and sends them to sign in once the session is gone', async () => {
    const page = await ctx.newPage();
    await page.clock.install();
    const pings: number[] = [];
    page.on('response', (r) => {
      if (new URL(r.url()).pathname === '/api/auth/me') pings.push(r.status());
    });
    await page.goto(`${t.baseUrl}/console/incontri/${sessionId}`, { waitUntil: 'networkidle' });
    await page.locator('#roster-heading').waitFor();

    // Left alone: nothing is sent, so a forgotten tab still reaches the idle limit.
    await page.clock.runFor(11 * 60_000);
    expect(pings).toEqual([]);

    // Touched: one request in the next 5 minutes, answered 200.
    await page.keyboard.press('Tab');
    await page.clock.runFor(5 * 60_000);
    await expect.poll(() => pings).toEqual([200]);

    // The session ends server-side (12 h limit, signed out elsewhere): the next round leads to sign-in.
    await t.database.db.deleteFrom('auth_sessions').where('account_id', '=', w.organiser.id).execute();
    await page.keyboard.press('Tab');
    await page.clock.runFor(5 * 60_000);
    await page.waitForURL((u) => u.pathname.endsWith('/console/accedi'));
    expect(pings[1]).toBe(401);
    await page.close();
  });
});
