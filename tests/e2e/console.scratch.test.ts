import { it } from 'vitest';
import { launchBrowser, newContext, startWebApp } from '../helpers/browser.ts';
import { createCycle } from '../helpers/factories.ts';
import { seedConsole, signUp } from './console.fixture.ts';
it('scratch', async () => {
  const t = await startWebApp();
  const w = await seedConsole(t);
  const { cycle } = await createCycle(t.database.db, { themeSlug: w.themeSlug, sessionDays: [-1 / 24, 7], registrationClosesAt: new Date(Date.now() + 5 * 86_400_000) });
  const r = await signUp(t, cycle.slug, { firstName: 'A', lastName: 'B' });
  const b = await launchBrowser(); const c = await newContext(b, { viewport: { width: 390, height: 900 } }); const p = await c.newPage();
  for (const path of [`/iscrizione/${r.token}`]) {
    await p.goto(`${t.baseUrl}${path}`);
    console.log(path, await p.evaluate(() => [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > 391).slice(0, 8).map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`).join('\n')));
  }
  await b.close(); await t.close();
});
