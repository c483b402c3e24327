// Under a crowd a sign-up waits its turn instead of failing (issue 11): the page, with and without
// JavaScript, stays calm for as long as the wait lasts and then shows the outcome, never an error.
// The crowd is stood in for by the test holding the cycle's row lock, as a long batch ahead would.
import { sql } from 'kysely';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillSignup, launchBrowser, newContext, startWebApp, type WebApp } from '../helpers/browser.ts';
import { createCycle } from '../helpers/factories.ts';
import { person } from './programme.ts';

/** Longer than any batch takes, far inside SIGNUP_QUEUE_WAIT_MS (30 s). */
const WAIT_MS = 4_000;

let t: WebApp;
let browser: Browser;

beforeAll(async () => {
  t = await startWebApp();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** Holds the cycle's row lock until release() is called; resolves once it is held. */
async function holdCycle(slug: string): Promise<{ release(): Promise<void> }> {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let held!: () => void;
  const holding = new Promise<void>((r) => (held = r));
  const done = t.database.db.transaction().execute(async (trx) => {
    await sql`SELECT id FROM cycles WHERE slug = ${slug} FOR UPDATE`.execute(trx);
    held();
    await released;
  });
  await holding;
  return {
    async release() {
      release();
      await done;
    },
  };
}

/** The sign-up now waits on the lock: its transaction is in PostgreSQL, blocked on the cycle row. */
async function signupIsWaiting() {
  await expect
    .poll(
      async () =>
        (
          await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity
                                    WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(t.database.db)
        ).rows[0]!.n,
      { timeout: 10_000 },
    )
    .toBeGreaterThan(0);
}

describe('a sign-up that waits its turn', () => {
  let context: BrowserContext;
  let page: Page;
  afterAll(async () => context?.close());

  it('with JavaScript: says "we are registering you" while it waits, then confirms, with no error shown', async () => {
    context = await newContext(browser);
    page = await context.newPage();
    const { cycle } = await createCycle(t.database.db, { slug: 'attesa-js', title: 'Laboratorio in attesa', capacity: 5 });
    await page.goto(`${t.baseUrl}/cicli/${cycle.slug}`);
    await fillSignup(page, { ...person('attesa.js'), consent: true });
    const lock = await holdCycle(cycle.slug);
    try {
      await page.click('button[type=submit]:has-text("Iscriviti")');
      await signupIsWaiting();
      const status = page.locator('.waiting[role=status]');
      expect(await status.innerText()).toContain('Ti stiamo iscrivendo');
      expect(await status.innerText()).toContain('non chiudere la pagina');
      await new Promise((r) => setTimeout(r, WAIT_MS));
      // Still calm after the wait: the same state, the button says so, nothing in red.
      expect(await status.innerText()).toContain('Ti stiamo iscrivendo');
      expect(await page.locator('button[type=submit]').innerText()).toContain('Ti stiamo iscrivendo');
      expect(await page.locator('[role=alert]').count()).toBe(0);
    } finally {
      await lock.release();
    }
    await page.waitForURL(/\/iscrizione\/[A-Za-z0-9_-]{43}\?nuova=1$/);
    expect(await page.locator('#confirmation').innerText()).toContain('iscrizione confermata');
  });

  it('without JavaScript: the form post simply takes longer, then the confirmation page', async () => {
    const noJs = await newContext(browser, { javaScriptEnabled: false });
    try {
      const p = await noJs.newPage();
      const { cycle } = await createCycle(t.database.db, { slug: 'attesa-nojs', title: 'Laboratorio in attesa, senza script', capacity: 5 });
      await p.goto(`${t.baseUrl}/cicli/${cycle.slug}`);
      await fillSignup(p, { ...person('attesa.nojs'), consent: true });
      const lock = await holdCycle(cycle.slug);
      let submitted: Promise<unknown>;
      try {
        submitted = p.click('button[type=submit]');
        await signupIsWaiting();
        await new Promise((r) => setTimeout(r, WAIT_MS));
      } finally {
        await lock.release();
      }
      await submitted;
      await p.waitForURL(/\/iscrizione\/[A-Za-z0-9_-]{43}\?nuova=1$/);
      expect(await p.locator('#confirmation').innerText()).toContain('iscrizione confermata');
      expect(await p.locator('[role=alert]').count()).toBe(0);
    } finally {
      await noJs.close();
    }
  });
});
