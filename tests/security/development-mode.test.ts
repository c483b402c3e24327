// Finding 6: a deployment that forgets NODE_ENV must not run the demo on a public address (demo data,
// /dev/mail with every message and manage link, cookies without Secure), and /dev/mail answers only
// the developer at this machine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { expectErrorShape } from '../helpers/http.ts';
import { refusedStart } from '../helpers/server-process.ts';

describe('development mode on a public address', () => {
  it('is refused by the configuration, with one line naming NODE_ENV', () => {
    for (const url of ['https://formazione.comune.example.it', 'http://formazione.comune.example.it', 'https://localhost:3000']) {
      expect(() => loadConfig({ PUBLIC_URL: url })).toThrow(/NODE_ENV: development mode is refused for PUBLIC_URL/);
      expect(() => loadConfig({ NODE_ENV: 'test', PUBLIC_URL: url })).toThrow(/NODE_ENV/);
    }
  });

  it('is allowed on loopback, in production, and with the explicit override', () => {
    for (const url of ['http://localhost:3000', 'http://127.0.0.1:8080', 'http://[::1]:3000']) {
      expect(loadConfig({ PUBLIC_URL: url }).demoData).toBe(true);
    }
    expect(loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://formazione.comune.example.it' }).isProduction).toBe(true);
    expect(loadConfig({ PUBLIC_URL: 'https://prova.comune.example.it', ALLOW_DEVELOPMENT_MODE: '1' }).isProduction).toBe(false);
  });

  it('stops the real server before it starts anything, with one line', async () => {
    const { code, stderrLines, output } = await refusedStart({ PUBLIC_URL: 'https://formazione.comune.example.it', DATA_DIR: '/tmp/officina-devmode-refused' });
    expect(code).toBe(1);
    expect(stderrLines).toHaveLength(1);
    expect(stderrLines[0]).toMatch(/NODE_ENV: development mode is refused/);
    expect(output).not.toMatch(/PostgreSQL|ready on/);
  }, 60_000);
});

describe('/dev/mail', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => t?.close());

  it('answers the developer at this machine', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/dev/mail', remoteAddress: '127.0.0.1' });
    expect(res.statusCode).toBe(200);
  });

  it('is the plain 404 for anyone else, and for requests relayed by a proxy', async () => {
    for (const req of [
      { remoteAddress: '203.0.113.9', headers: {} },
      { remoteAddress: '2001:db8::5', headers: {} },
      { remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '203.0.113.9' } },
    ]) {
      const res = await t.app.inject({ method: 'GET', url: '/dev/mail', ...req });
      expectErrorShape(res.statusCode, res.json(), { status: 404, code: 'not_found' });
      const msg = await t.app.inject({ method: 'GET', url: '/dev/mail/abc/raw', ...req });
      expect(msg.statusCode).toBe(404);
    }
  });
});
