// The page paths that were English until every page path was made Italian: certificates already printed
// carry /verify/<code> in their QR code and emails already sent carry the others, so each old address
// answers with a permanent redirect to its new one, keeping the rest of the path, the query and /en.
// The list is written out here (not read from server/lib/site.urls.ts) so dropping a redirect fails.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebApp, type WebApp } from '../helpers/browser.ts';

const RENAMED = [
  ['/verify', '/verifica'],
  ['/link', '/recupera-link'],
  ['/check-in', '/presenza'],
  ['/console/account', '/console/utenti'],
] as const;

let t: WebApp;

beforeAll(async () => {
  t = await startWebApp();
});

afterAll(async () => {
  await t?.close();
});

const send = (path: string, method = 'GET') => fetch(t.baseUrl + path, { method, redirect: 'manual', headers: { accept: 'text/html' } });

describe('old page paths redirect permanently to the Italian ones', () => {
  it.each(RENAMED)('%s -> %s, with the rest of the path, the query and the language kept', async (from, to) => {
    const cases: Array<[string, string]> = [
      [from, to],
      [`${from}/ABCD-EFGH-JKMN`, `${to}/ABCD-EFGH-JKMN`],
      [`${from}/3f1c2a9e-1111-4222-8333-944455556666?t=tok_en-1&x=a%20b`, `${to}/3f1c2a9e-1111-4222-8333-944455556666?t=tok_en-1&x=a%20b`],
      [`${from}?code=abc`, `${to}?code=abc`],
      [`/en${from}`, `/en${to}`],
      [`/en${from}/x?y=1`, `/en${to}/x?y=1`],
    ];
    for (const [old, now] of cases) {
      const res = await send(old);
      expect(res.status, old).toBe(301);
      expect(res.headers.get('location'), old).toBe(now);
      const head = await send(old, 'HEAD');
      expect(head.status, `HEAD ${old}`).toBe(301);
    }
    // A form sent from a page opened before the change keeps its method and body: 308.
    const posted = await send(`${from}?/send`, 'POST');
    expect(posted.status).toBe(308);
    expect(posted.headers.get('location')).toBe(`${to}?/send`);
  });

  it('only whole path segments are renamed: look-alike paths and the API are left alone', async () => {
    for (const path of ['/linked', '/verifyx', '/check-inn', '/console/accounts', '/cicli/verify', '/en/link-x']) {
      expect((await send(path)).status, path).toBe(404);
    }
    const api = await send('/api/certificates/ABCD-EFGH-JKMN');
    expect(api.status).not.toBe(301);
  });

  it('the new addresses are the pages', async () => {
    expect((await send('/verifica')).status).toBe(200);
    expect((await send('/en/recupera-link')).status).toBe(200);
  });
});
