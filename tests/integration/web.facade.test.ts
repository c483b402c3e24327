// The pages' in-process facade answers exactly what the routes answer: the same values, the same errors
// (an unknown cycle, input the route's schema refuses), in the language asked for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webFacade, type WebFacade } from '../../server/plugins/web.facade.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { createCycle } from '../helpers/factories.ts';

let t: TestApp;
let facade: WebFacade;
let slug: string;
beforeAll(async () => {
  t = await buildTestApp();
  facade = webFacade(t.app);
  slug = (await createCycle(t.database.db, { themeSlug: 'welfare-di-comunita' })).cycle.slug;
  await createCycle(t.database.db, { sessionDays: [-30, -20] });
  await t.app.cacheListener.sync();
});
afterAll(async () => t?.close());

const route = async (url: string, locale: 'it' | 'en') => {
  const res = await t.app.inject({ url, headers: { 'accept-language': locale } });
  return { status: res.statusCode, body: res.json() };
};

describe('web facade', () => {
  it('gives the same catalogue, cycle and themes as the routes', async () => {
    for (const locale of ['it', 'en'] as const) {
      for (const query of [{}, { when: 'past' }, { when: 'all', theme: 'welfare-di-comunita' }] as Record<string, string>[]) {
        const r = await facade.cycles.list(query, locale);
        expect(r).toEqual({ ok: true, value: (await route(`/api/cycles?${new URLSearchParams(query)}`, locale)).body });
      }
      expect(await facade.cycles.get(slug, locale)).toEqual({ ok: true, value: (await route(`/api/cycles/${slug}`, locale)).body });
      expect(await facade.cycles.themes(locale)).toEqual({ ok: true, value: (await route('/api/themes', locale)).body });
    }
  });

  it('answers the same errors as the routes', async () => {
    const unknown = await facade.cycles.get('nessun-ciclo', 'en');
    const viaRoute = await route('/api/cycles/nessun-ciclo', 'en');
    expect(viaRoute.status).toBe(404);
    expect(unknown).toEqual({ ok: false, status: 404, code: viaRoute.body.code, message: viaRoute.body.message });

    const bad = await facade.cycles.list({ when: 'tomorrow' }, 'it');
    const badRoute = await route('/api/cycles?when=tomorrow', 'it');
    expect(badRoute.status).toBe(400);
    expect(bad).toMatchObject({ ok: false, status: 400, code: 'validation_error', message: badRoute.body.message });

    // Whatever the route answers for a slug its schema refuses, the facade answers too.
    const long = await facade.cycles.get('x'.repeat(201), 'it');
    const longRoute = await route(`/api/cycles/${'x'.repeat(201)}`, 'it');
    expect(long).toMatchObject({ ok: false, status: longRoute.status, code: longRoute.body.code, message: longRoute.body.message });
  });

  it('shares one frozen value between readers', async () => {
    const a = await facade.cycles.get(slug, 'it');
    const b = await facade.cycles.get(slug, 'it');
    if (!a.ok || !b.ok) throw new Error('expected values');
    expect(a.value).toBe(b.value);
    expect(Object.isFrozen(a.value.sessions[0])).toBe(true);
  });
});
