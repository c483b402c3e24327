// The catalogue page kept rendered (server/plugins/web.pages.ts): rendered once for everyone who asks
// the same thing, the same bytes and headers SvelteKit gives, a change to the cycles seen at once, 304
// for a known ETag, and whatever depends on the asker (the language cookie, ?lang=) still decided per
// request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { createCycle } from '../helpers/factories.ts';

let t: TestApp;
/** Catalogue reads the page renders made (each render reads the catalogue once). */
let renders = 0;
beforeAll(async () => {
  // Entries live until a write drops them (not 1 s): a slow machine must not make a render look stale.
  t = await buildTestApp({ web: true, readCacheTtlMs: 600_000, env: { PUBLIC_URL: 'http://127.0.0.1:3999' } });
  const services = globalThis.__officinaWeb!.services;
  const list = services.cycles.list.bind(services.cycles);
  services.cycles.list = (...args) => {
    renders += 1;
    return list(...args);
  };
}, 60_000);
afterAll(async () => t?.close());

const page = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers: { accept: 'text/html', ...headers } });
const withoutDate = (h: Record<string, unknown>) => Object.fromEntries(Object.entries(h).filter(([k]) => k !== 'date'));

describe('the catalogue page, kept rendered', () => {
  it('is rendered once for the same request, and shows a new cycle at once', async () => {
    await createCycle(t.database.db, { title: 'Primo ciclo in catalogo' });
    await t.app.cacheListener.sync();
    const before = renders;
    const first = await page('/');
    const again = await Promise.all([page('/'), page('/'), page('/')]);
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('Primo ciclo in catalogo');
    for (const r of again) {
      expect(r.statusCode).toBe(200);
      expect(r.body).toBe(first.body);
      expect(withoutDate(r.headers)).toEqual(withoutDate(first.headers));
    }
    expect(renders - before).toBe(1);

    // A write in another connection (the factory's pool), announced by the database's notification.
    await createCycle(t.database.db, { title: 'Secondo ciclo in catalogo' });
    await t.app.cacheListener.sync();
    const after = await page('/');
    expect(after.body).toContain('Secondo ciclo in catalogo');
    expect(after.headers.etag).not.toBe(first.headers.etag);
  });

  it('keeps each address, filter and language apart', async () => {
    const it_ = await page('/');
    const en = await page('/en');
    const past = await page('/?when=past');
    expect(en.body).not.toBe(it_.body);
    expect(en.body).toContain('lang="en"');
    expect(past.body).not.toBe(it_.body);
    expect((await page('/en')).body).toBe(en.body);
  });

  it('answers a known ETag with 304 and no body', async () => {
    const first = await page('/');
    const etag = String(first.headers.etag);
    const res = await page('/', { 'if-none-match': etag });
    expect(res.statusCode).toBe(304);
    expect(res.body).toBe('');
    expect(res.headers.etag).toBe(etag);
    expect((await page('/', { 'if-none-match': `W/${etag}` })).statusCode).toBe(304);
    expect((await page('/', { 'if-none-match': '"altro"' })).statusCode).toBe(200);
  });

  it('still decides per request what depends on the asker', async () => {
    await page('/');
    // The language cookie sends a document request for the Italian address to its English twin...
    const toEnglish = await page('/', { cookie: 'officina_lang=en' });
    expect(toEnglish.statusCode).toBe(307);
    expect(toEnglish.headers.location).toBe('/en');
    // ...but not a request that is not for a document.
    const notDocument = await page('/', { cookie: 'officina_lang=en', accept: '*/*' });
    expect(notDocument.statusCode).toBe(200);
    expect(notDocument.body).toContain('lang="it"');
    // ?lang= sets the cookie, for this person only.
    const choose = await page('/?lang=en');
    expect(choose.statusCode).toBe(303);
    expect(String(choose.headers['set-cookie'])).toContain('officina_lang=en');
    const next = await page('/?lang=en');
    expect(String(next.headers['set-cookie'])).toContain('officina_lang=en');
    // Another cookie (an organiser's session): rendered for this request, the same public page.
    const before = renders;
    const organiser = await page('/', { cookie: 'officina_session=qualcosa' });
    expect(organiser.statusCode).toBe(200);
    expect(renders - before).toBe(1);
  });
});
