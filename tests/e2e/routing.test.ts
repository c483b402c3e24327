// One process, one port: what Fastify keeps (/api, /ical, /dev answer JSON, never a page), what goes to
// SvelteKit (everything else, form bodies untouched, CSRF checked against PUBLIC_URL), the language
// redirects, the headers of private pages, and the Content-Security-Policy holding in a real browser.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillSignup, launchBrowser, startWebApp, type WebApp } from '../helpers/browser.ts';
import { person, seatsLeft, seedProgramme, tokenOf } from './programme.ts';

let t: WebApp;
let browser: Browser;
let token: string;

beforeAll(async () => {
  t = await startWebApp();
  await seedProgramme(t);
  browser = await launchBrowser();
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/cycles/mediazione-interculturale/registrations',
    payload: { ...person('routing'), consent: true },
  });
  token = tokenOf(res.json().registration.manageUrl);
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(t.baseUrl + path, { redirect: 'manual', headers: { accept: 'text/html', ...headers } });

describe('routing between Fastify and SvelteKit', () => {
  it('pages are HTML with a strict Content-Security-Policy; HEAD and static files work', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('<html lang="it">');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect((await fetch(t.baseUrl + '/', { method: 'HEAD' })).status).toBe(200);
    const icon = await get('/favicon.svg');
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toContain('image/svg+xml');
  });

  it('unknown /api, /ical and /dev addresses get the JSON 404, not a page', async () => {
    for (const path of ['/api/nothing-here', '/ical/nothing-here.ics', '/dev/nothing-here', '/api']) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toContain('application/json');
      expect((await res.json()).code, path).toBe('not_found');
    }
    const page = await get('/nothing-here');
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toContain('text/html');
  });

  it('form posts reach SvelteKit with their body; a post from another origin is refused', async () => {
    const body = new URLSearchParams({ ...person('raw-post'), consent: 'yes' }).toString();
    const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' };
    const foreign = await fetch(`${t.baseUrl}/cicli/mediazione-interculturale`, {
      method: 'POST',
      redirect: 'manual',
      headers: { ...headers, origin: 'http://evil.example' },
      body,
    });
    expect(foreign.status).toBe(403);
    const before = await seatsLeft(t, 'mediazione-interculturale');
    const ok = await fetch(`${t.baseUrl}/cicli/mediazione-interculturale`, {
      method: 'POST',
      redirect: 'manual',
      headers: { ...headers, origin: t.baseUrl },
      body,
    });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toMatch(/^\/iscrizione\/[A-Za-z0-9_-]{43}\?nuova=1$/);
    expect(await seatsLeft(t, 'mediazione-interculturale')).toBe(before - 1);
  });

  it('language: ?lang= sets the cookie and lands on the clean address; a remembered English choice redirects plain addresses', async () => {
    const choose = await get('/cicli/mediazione-interculturale?lang=en');
    expect(choose.status).toBe(303);
    expect(choose.headers.get('location')).toBe('/en/cicli/mediazione-interculturale');
    expect(choose.headers.get('set-cookie')).toMatch(/^officina_lang=en; Path=\/; Max-Age=\d+; SameSite=Lax; HttpOnly$/);

    const remembered = await get(`/iscrizione/${token}`, { cookie: 'officina_lang=en', 'sec-fetch-dest': 'document' });
    expect(remembered.status).toBe(307);
    expect(remembered.headers.get('location')).toBe(`/en/iscrizione/${token}`);
    // Without the cookie, or for an Italian choice, the plain address stays Italian.
    expect((await get(`/iscrizione/${token}`, { cookie: 'officina_lang=it' })).status).toBe(200);
    // An English address is English whatever the cookie says.
    const en = await get('/en/privacy', { cookie: 'officina_lang=it' });
    expect(en.status).toBe(200);
    expect(await en.text()).toContain('<html lang="en">');
    const home = await get('/en/');
    expect(home.status).toBe(308);
    expect(home.headers.get('location')).toBe('/en');
  });

  it('private pages are not cached, not indexed and keep their address out of other sites’ logs', async () => {
    for (const path of [`/iscrizione/${token}`, `/iscrizione/${token}/annulla`]) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control'), path).toBe('private, no-store');
      expect(res.headers.get('referrer-policy'), path).toBe('same-origin');
      expect(res.headers.get('x-robots-tag'), path).toContain('noindex');
    }
  });

  it('in a browser that enforces the policy, pages and the enhanced form run without a single violation', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await page.goto(`${t.baseUrl}/`);
    await page.goto(`${t.baseUrl}/cicli/comunicazione-generativa`);
    await page.waitForLoadState('networkidle');
    await fillSignup(page, { firstName: 'Anna' });
    await page.click('button[type=submit]');
    await page.locator('#error-summary').waitFor();
    await fillSignup(page, { ...person('csp'), consent: true });
    await page.click('button[type=submit]');
    await page.waitForURL(/\/iscrizione\/[A-Za-z0-9_-]{43}\?nuova=1$/);
    await page.click('#cancel-link');
    await page.waitForURL(/\/annulla$/);
    await page.click('#confirm-cancel');
    await page.waitForURL(/\?annullata=1$/);
    await context.close();
    expect(violations).toEqual([]);
  });
});
