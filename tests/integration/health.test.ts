import net from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { buildTestApp, testConfig, type TestApp } from '../helpers/app.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';
import { expectErrorShape } from '../helpers/http.ts';
import { freePort } from '../helpers/server-process.ts';

describe('GET /api/health', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => t?.close());

  it('is 200 {status: "ok"} with the database reachable', async () => {
    const res = await t.app.inject({ url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', database: 'ok' });
  });

  it('is 503 {status: "degraded"} when the database is unreachable, quickly and without a 500', async () => {
    // A port nothing listens on: connections are refused.
    const port = await freePort();
    const config = testConfig();
    const app = await buildApp({ config, databaseUrl: `postgres://postgres:x@127.0.0.1:${port}/officina`, logger: false });
    try {
      await app.ready();
      const started = Date.now();
      const res = await app.inject({ url: '/api/health' });
      const elapsed = Date.now() - started;
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ status: 'degraded', database: 'unavailable' });
      console.log(`health with the database down answered in ${elapsed} ms`);
      // The rest of the API says so too: a 503 to retry, with the error shape, the cause hidden.
      const list = await app.inject({ url: '/api/cycles' });
      const body = expectErrorShape(list.statusCode, list.json(), { status: 503, code: 'service_unavailable' });
      expect(list.headers['retry-after']).toBe('5');
      expect(body.message).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|postgres/i);
    } finally {
      await app.close();
    }
  });

  it('is 503 when the database accepts connections but never answers (no hang)', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => void sockets.push(socket)); // accept, say nothing
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as net.AddressInfo;
    const app = await buildApp({ config: testConfig(), databaseUrl: `postgres://postgres:x@127.0.0.1:${port}/officina`, logger: false });
    try {
      await app.ready();
      const started = Date.now();
      const res = await app.inject({ url: '/api/health' });
      console.log(`health with a silent database answered in ${Date.now() - started} ms`);
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ status: 'degraded', database: 'unavailable' });
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
      await app.close();
    }
  });

  it('every pooled connection busy for longer than the pool waits: 503 service_unavailable, not 500', async () => {
    const app = await buildApp({ config: testConfig({ DATABASE_POOL_MAX: '1', SIGNUP_QUEUE_WAIT_MS: '1000' }), databaseUrl: t.database.url, logger: false });
    try {
      await app.ready();
      const { cycle } = await createCycle(t.database.db, { capacity: 5 });
      // Hold the cycle's lock: the first sign-up takes the pool's only connection and waits on it.
      let first: Promise<{ statusCode: number }> | undefined;
      await t.database.db.transaction().execute(async (trx) => {
        await sql`SELECT id FROM cycles WHERE id = ${cycle.id} FOR UPDATE`.execute(trx);
        first = app.inject({ method: 'POST', url: `/api/cycles/${cycle.slug}/registrations`, payload: registrationBody() });
        await new Promise((r) => setTimeout(r, 200));
        // A read waits for a connection, longer than connectionTimeoutMillis: the database's 503.
        const read = await app.inject({ url: `/api/registrations/${'a'.repeat(43)}` });
        expectErrorShape(read.statusCode, read.json(), { status: 503, code: 'service_unavailable' });
        expect(read.json().message).toMatch(/^Il servizio è momentaneamente/);
        expect(read.headers['retry-after']).toBe('5');
        // A second sign-up waits its turn in the sign-up queue, not for a connection; past
        // SIGNUP_QUEUE_WAIT_MS it is a 503 with Retry-After too, and is never written.
        const second = await app.inject({ method: 'POST', url: `/api/cycles/${cycle.slug}/registrations`, payload: registrationBody() });
        expectErrorShape(second.statusCode, second.json(), { status: 503, code: 'service_unavailable' });
        expect(Number(second.headers['retry-after'])).toBeGreaterThan(0);
      });
      // With the lock released the first one goes through; nothing half-written by the second.
      expect((await first!).statusCode).toBe(201);
      const n = await t.database.db
        .selectFrom('registrations')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('cycle_id', '=', cycle.id)
        .executeTakeFirstOrThrow();
      expect(Number(n.n)).toBe(1);
    } finally {
      await app.close();
    }
  });

  it('survives the database dropping its connections (a restart, a failover) and recovers', async () => {
    // A second app on the same database, its connections tagged so only they are cut.
    const url = new URL(t.database.url);
    url.searchParams.set('application_name', 'officina-health-test');
    const app = await buildApp({ config: testConfig(), databaseUrl: url.toString(), logger: false });
    const crashes: unknown[] = [];
    const onUncaught = (err: unknown) => crashes.push(err instanceof Error ? err.message : String(err));
    process.on('uncaughtException', onUncaught);
    try {
      await app.ready();
      // Several idle connections in the pool.
      await Promise.all(Array.from({ length: 4 }, () => app.inject({ url: '/api/health' })));
      const killed = await sql<{ n: string }>`
        SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
         WHERE application_name = 'officina-health-test'`.execute(t.database.db);
      expect(Number(killed.rows[0]!.n)).toBeGreaterThan(0);
      // Give the idle clients time to notice.
      await new Promise((r) => setTimeout(r, 300));
      expect(crashes).toEqual([]);
      let status = 0;
      for (let i = 0; i < 20 && status !== 200; i++) {
        status = (await app.inject({ url: '/api/health' })).statusCode;
        if (status !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      expect(status).toBe(200);
    } finally {
      process.off('uncaughtException', onUncaught);
      await app.close();
    }
  });
});
