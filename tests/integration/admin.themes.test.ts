// Themes through the organiser API: administrators create, rename, reorder and delete them; organisers
// only read them. A theme with cycles (drafts included) can be neither deleted nor given a new slug,
// even when the cycle is being created at the very same moment. The public reads that show a theme
// (the theme list, the catalogue, a cycle's page) show a change at once, though they are cached.
// `npm run admin -- theme add|list` makes themes before the server runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { signedIn, type Session } from '../helpers/auth.ts';
import { createCycle } from '../helpers/factories.ts';
import { expectErrorShape } from '../helpers/http.ts';
import { runAdminCli } from '../helpers/server-process.ts';

let t: TestApp;
let admin: Session;
let org: Session;
beforeAll(async () => {
  t = await buildTestApp();
  admin = await signedIn(t.app, t.database.db, 'administrator');
  org = await signedIn(t.app, t.database.db, 'organiser');
});
afterAll(async () => t?.close());

const send = (method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, s = admin) =>
  t.app.inject({ method, url, headers: s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
const get = (url: string, s = admin) => t.app.inject({ method: 'GET', url, headers: { cookie: s.cookie } });
const themeRows = () => t.database.db.selectFrom('themes').selectAll().orderBy('slug').execute();

describe('administrators manage themes', () => {
  it('creates a theme, last in order unless told; lists it with its cycles count in both languages', async () => {
    const a = await send('POST', '/api/admin/themes', { slug: 'welfare-comunita', nameIt: 'Welfare di comunità', nameEn: 'Community welfare' });
    expect(a.statusCode, a.body).toBe(201);
    expect(a.json()).toMatchObject({
      slug: 'welfare-comunita',
      name: 'Welfare di comunità',
      nameIt: 'Welfare di comunità',
      nameEn: 'Community welfare',
      cycles: 0,
    });
    const b = await send('POST', '/api/admin/themes?lang=en', { slug: 'mediazione', nameIt: 'Mediazione', nameEn: 'Mediation' });
    expect(b.statusCode, b.body).toBe(201);
    expect(b.json().name).toBe('Mediation');
    expect(b.json().position).toBeGreaterThan(a.json().position);

    const list = await get('/api/admin/themes?lang=en', org);
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((x: { slug: string }) => x.slug)).toEqual(['welfare-comunita', 'mediazione']);
    expect(list.json().items[1]).toMatchObject({ name: 'Mediation', cycles: 0 });
  });

  it('refuses bad input with 400 naming the field, in Italian first', async () => {
    const cases: [unknown, string][] = [
      [{ slug: 'Con Spazi', nameIt: 'X', nameEn: 'X' }, 'slug'],
      [{ slug: 'ok-slug', nameIt: '   ', nameEn: 'X' }, 'nameIt'],
      [{ slug: 'ok-slug', nameIt: 'X' }, 'nameEn'],
      [{ slug: 'ok-slug', nameIt: 'X', nameEn: 'X', position: -1 }, 'position'],
      [{ slug: 'ok-slug', nameIt: 'a\nb', nameEn: 'X' }, 'nameIt'],
    ];
    for (const [body, field] of cases) {
      const res = await send('POST', '/api/admin/themes', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      const err = expectErrorShape(400, res.json(), { code: 'validation_error' });
      expect(err.fields!.map((f: { field: string }) => f.field)).toContain(field);
      expect(err.message).toContain(field);
    }
    const empty = await send('PATCH', '/api/admin/themes/mediazione', {});
    expect(empty.statusCode).toBe(400);
    expect((await themeRows()).map((r) => r.slug)).toEqual(['mediazione', 'welfare-comunita']);
  });

  it('a slug already taken is 409 theme_slug_taken, on creation and on a change of slug', async () => {
    const dup = await send('POST', '/api/admin/themes', { slug: 'mediazione', nameIt: 'Altra', nameEn: 'Other' });
    expectErrorShape(dup.statusCode, dup.json(), { status: 409, code: 'theme_slug_taken' });
    expect(dup.json().message).toMatch(/^Campo slug: esiste già un tema «mediazione»/);
    const move = await send('PATCH', '/api/admin/themes/welfare-comunita', { slug: 'mediazione' });
    expectErrorShape(move.statusCode, move.json(), { status: 409, code: 'theme_slug_taken' });
    expect((await themeRows()).find((r) => r.slug === 'mediazione')!.name_it).toBe('Mediazione');
  });

  it('renames and reorders; the slug of a theme without cycles can change', async () => {
    const res = await send('PATCH', '/api/admin/themes/mediazione', { nameIt: 'Mediazione interculturale', position: 0, slug: 'mediazione-interculturale' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ slug: 'mediazione-interculturale', nameIt: 'Mediazione interculturale', nameEn: 'Mediation', position: 0 });
    const missing = await send('PATCH', '/api/admin/themes/mediazione', { nameIt: 'X' });
    expectErrorShape(missing.statusCode, missing.json(), { status: 404, code: 'not_found' });
  });

  it('organisers read themes but may not create, change or delete them', async () => {
    for (const [method, url, body] of [
      ['POST', '/api/admin/themes', { slug: 'abusivo', nameIt: 'A', nameEn: 'A' }],
      ['PATCH', '/api/admin/themes/mediazione-interculturale', { nameIt: 'Preso' }],
      ['DELETE', '/api/admin/themes/mediazione-interculturale', undefined],
    ] as const) {
      const res = await send(method, url, body, org);
      expectErrorShape(res.statusCode, res.json(), { status: 403, code: 'forbidden' });
    }
    expect((await themeRows()).map((r) => [r.slug, r.name_it])).toEqual([
      ['mediazione-interculturale', 'Mediazione interculturale'],
      ['welfare-comunita', 'Welfare di comunità'],
    ]);
  });
});

describe('a theme in use', () => {
  it('can be neither deleted nor re-addressed while a cycle (even a draft) belongs to it: 409 theme_in_use', async () => {
    await createCycle(t.database.db, { themeSlug: 'welfare-comunita', published: false });
    const del = await send('DELETE', '/api/admin/themes/welfare-comunita');
    expectErrorShape(del.statusCode, del.json(), { status: 409, code: 'theme_in_use' });
    expect(del.json().message).toBe('Il tema «welfare-comunita» è usato da 1 ciclo: sposta prima i cicli su un altro tema.');
    const move = await send('PATCH', '/api/admin/themes/welfare-comunita', { slug: 'welfare' });
    expectErrorShape(move.statusCode, move.json(), { status: 409, code: 'theme_in_use' });
    // Its names can still change.
    const rename = await send('PATCH', '/api/admin/themes/welfare-comunita', { nameEn: 'Community welfare services' });
    expect(rename.statusCode).toBe(200);
    expect(rename.json().cycles).toBe(1);
    expect((await themeRows()).map((r) => r.slug)).toContain('welfare-comunita');
  });

  it('an unused theme is deleted (204), then 404', async () => {
    const res = await send('DELETE', '/api/admin/themes/mediazione-interculturale');
    expect(res.statusCode, res.body).toBe(204);
    const again = await send('DELETE', '/api/admin/themes/mediazione-interculturale');
    expectErrorShape(again.statusCode, again.json(), { status: 404, code: 'not_found' });
  });

  it('deleting a theme while cycles are being created in it: each cycle exists with its theme, or was refused unknown_theme', async () => {
    const outcomes = { cycle: 0, deletion: 0 };
    for (let round = 0; round < 8; round++) {
      const slug = `gara-${round}`;
      expect((await send('POST', '/api/admin/themes', { slug, nameIt: 'Gara', nameEn: 'Race' })).statusCode).toBe(201);
      const [created, deleted] = await Promise.all([
        send('POST', '/api/admin/cycles', { title: `Ciclo in gara ${round}`, themeSlug: slug, format: 'online', capacity: 5 }),
        send('DELETE', `/api/admin/themes/${slug}`),
      ]);
      const theme = await t.database.db.selectFrom('themes').select('id').where('slug', '=', slug).executeTakeFirst();
      if (created.statusCode === 201) {
        // The cycle won: the theme stayed, and the deletion said why.
        outcomes.cycle += 1;
        expect(theme, `round ${round}`).toBeDefined();
        expectErrorShape(deleted.statusCode, deleted.json(), { status: 409, code: 'theme_in_use' });
      } else {
        expectErrorShape(created.statusCode, created.json(), { status: 400, code: 'unknown_theme' });
        expect(deleted.statusCode).toBe(204);
        expect(theme).toBeUndefined();
        outcomes.deletion += 1;
      }
    }
    const orphans = await t.database.db
      .selectFrom('cycles as c')
      .leftJoin('themes as th', 'th.id', 'c.theme_id')
      .where('th.id', 'is', null)
      .select((e) => e.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(orphans.n)).toBe(0);
    expect(outcomes.cycle + outcomes.deletion).toBe(8);
  });
});

describe('public reads show theme changes at once', () => {
  it('the theme list, the catalogue and the cycle page show a renamed theme on the next read', async () => {
    const { cycle } = await createCycle(t.database.db, { themeSlug: 'welfare-comunita' });
    // Fill the cache.
    expect((await t.app.inject({ url: '/api/themes' })).json().items.map((x: { name: string }) => x.name)).toContain('Welfare di comunità');
    expect((await t.app.inject({ url: `/api/cycles/${cycle.slug}` })).json().theme.name).toBe('Welfare di comunità');
    const catalogue = async () =>
      (await t.app.inject({ url: '/api/cycles?when=all' })).json().items.find((c: { slug: string }) => c.slug === cycle.slug).theme.name;
    expect(await catalogue()).toBe('Welfare di comunità');

    expect((await send('PATCH', '/api/admin/themes/welfare-comunita', { nameIt: 'Welfare e comunità' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/themes' })).json().items.map((x: { name: string }) => x.name)).toContain('Welfare e comunità');
    expect((await t.app.inject({ url: `/api/cycles/${cycle.slug}` })).json().theme.name).toBe('Welfare e comunità');
    expect(await catalogue()).toBe('Welfare e comunità');

    expect((await send('POST', '/api/admin/themes', { slug: 'nuovo-tema', nameIt: 'Nuovo', nameEn: 'New' })).statusCode).toBe(201);
    expect((await t.app.inject({ url: '/api/themes' })).json().items.map((x: { slug: string }) => x.slug)).toContain('nuovo-tema');
    expect((await send('DELETE', '/api/admin/themes/nuovo-tema')).statusCode).toBe(204);
    expect((await t.app.inject({ url: '/api/themes' })).json().items.map((x: { slug: string }) => x.slug)).not.toContain('nuovo-tema');
  });
});

describe('npm run admin -- theme', () => {
  const cli = (args: string[]) => runAdminCli(t.database.url, args);

  it('add creates a theme the API then lists; list prints every theme with its cycles', async () => {
    const r = await cli(['theme', 'add', 'innovazione-sociale', '--name-it', 'Innovazione sociale', '--name-en', 'Social innovation', '--position', '7']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('created theme innovazione-sociale (Innovazione sociale / Social innovation), position 7');
    const listed = (await get('/api/admin/themes', org)).json().items.find((x: { slug: string }) => x.slug === 'innovazione-sociale');
    expect(listed).toMatchObject({ nameIt: 'Innovazione sociale', nameEn: 'Social innovation', position: 7, cycles: 0 });

    const list = await cli(['theme', 'list']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('innovazione-sociale\t7\t0 cycles\tInnovazione sociale\tSocial innovation');
    expect(list.stdout).toMatch(/^welfare-comunita\t\d+\t2 cycles\t/m);
  });

  it('add refuses a bad slug, a missing name and a taken slug (exit 2, naming the option); nothing is written', async () => {
    const before = (await themeRows()).length;
    const bad = await cli(['theme', 'add', 'Con Spazi', '--name-it', 'X', '--name-en', 'X']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('<slug>: lower-case letters, digits and single hyphens');
    const noName = await cli(['theme', 'add', 'senza-nome', '--name-it', 'Senza nome']);
    expect(noName.code).toBe(2);
    expect(noName.stderr).toContain('--name-en');
    const taken = await cli(['theme', 'add', 'innovazione-sociale', '--name-it', 'Doppio', '--name-en', 'Twice']);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toContain('a theme "innovazione-sociale" already exists');
    expect((await themeRows()).length).toBe(before);
  });
});
