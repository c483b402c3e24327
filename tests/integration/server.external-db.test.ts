// With DATABASE_URL set the server uses that PostgreSQL: it migrates it, serves from it, and starts no
// embedded cluster of its own (no DATA_DIR/pg). The "external" server here is a second embedded
// PostgreSQL started by the test in its own directory.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../db/embedded.ts';
import type { Database } from '../../db/schema.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';
import { request, tokenOf } from '../helpers/http.ts';
import { freePort, spawnServer, startServer, type ServerProcess } from '../helpers/server-process.ts';

let external: EmbeddedDatabase;
let externalDir: string;
let dataDir: string;
let server: ServerProcess | null = null;
let db: Kysely<Database>;

beforeAll(async () => {
  externalDir = fs.mkdtempSync(path.join(os.tmpdir(), 'officina-external-pg-'));
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'officina-external-data-'));
  external = await startEmbeddedPostgres(externalDir, { database: 'officina_ext', settings: { fsync: 'off' } });
  const pool = new pg.Pool({ connectionString: external.url, max: 2 });
  pool.on('error', () => {});
  db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
});

afterAll(async () => {
  if (server && server.proc.exitCode === null && server.proc.signalCode === null) await server.stop('SIGTERM');
  await db?.destroy();
  await external?.stop();
  fs.rmSync(externalDir, { recursive: true, force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('DATABASE_URL', () => {
  it('migrates the external database, serves from it, and creates no DATA_DIR/pg', async () => {
    const tables = async () =>
      (
        await db
          .selectFrom('information_schema.tables' as never)
          .select('table_name as name' as never)
          .where('table_schema' as never, '=', 'public' as never)
          .execute()
      ).map((r) => (r as { name: string }).name);
    expect(await tables()).not.toContain('registrations');

    server = await startServer({
      DATABASE_URL: external.url,
      DATA_DIR: dataDir,
      PORT: String(await freePort()),
      DEMO_DATA: '0',
      LOG_LEVEL: 'warn',
      SERVE_WEB: '0',
    });
    expect(server.output()).not.toMatch(/embedded PostgreSQL/);
    expect(server.output()).toMatch(/migrations applied/);
    expect(fs.existsSync(path.join(dataDir, 'pg'))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'pg-credentials.json'))).toBe(false);

    // The schema is in the external database.
    expect(await tables()).toEqual(expect.arrayContaining(['themes', 'cycles', 'sessions', 'participants', 'registrations']));
    const applied = await db
      .selectFrom('kysely_migration' as never)
      .select('name' as never)
      .execute();
    expect(applied.length).toBeGreaterThan(0);

    const health = await request(server.base, 'GET', '/api/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok', database: 'ok' });
    const empty = await request(server.base, 'GET', '/api/cycles');
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ items: [] });
  });

  it('reads and writes the rows of that database', async () => {
    const { cycle } = await createCycle(db, { capacity: 3, title: 'Ciclo sul database esterno' });
    const list = await request(server!.base, 'GET', '/api/cycles');
    expect(list.body.items.map((c: { slug: string }) => c.slug)).toEqual([cycle.slug]);

    const res = await request(server!.base, 'POST', `/api/cycles/${cycle.slug}/registrations`, registrationBody());
    expect(res.status).toBe(201);
    const row = await db.selectFrom('registrations').select(['id', 'status']).executeTakeFirstOrThrow();
    expect(row).toEqual({ id: res.body.registration.id, status: 'confirmed' });
    const shown = await request(server!.base, 'GET', `/api/registrations/${tokenOf(res.body.registration)}`);
    expect(shown.body.cycle.seatsTaken).toBe(1);
  });

  it('stops cleanly (exit 0) and leaves the external database running and untouched', async () => {
    const exit = await server!.stop('SIGTERM');
    expect(exit, server!.output()).toEqual({ code: 0, signal: null });
    const n = await db
      .selectFrom('registrations')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1);
    expect(fs.existsSync(path.join(dataDir, 'pg'))).toBe(false);
  });

  it('a second start on the already migrated database applies nothing and serves the same data', async () => {
    server = await startServer({
      DATABASE_URL: external.url,
      DATA_DIR: dataDir,
      PORT: String(await freePort()),
      DEMO_DATA: '0',
      LOG_LEVEL: 'warn',
      SERVE_WEB: '0',
    });
    expect(server.output()).not.toMatch(/migrations applied/);
    const list = await request(server.base, 'GET', '/api/cycles');
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0].seatsTaken).toBe(1);
    expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });

  it('an unreachable DATABASE_URL stops start-up with exit code 1 and a line that says why', async () => {
    const failing = spawnServer({
      env: {
        DATABASE_URL: `postgres://postgres:x@127.0.0.1:${await freePort()}/officina`,
        DATA_DIR: dataDir,
        PORT: String(await freePort()),
        DEMO_DATA: '0',
        LOG_LEVEL: 'warn',
        SERVE_WEB: '0',
      },
    });
    const exit = await failing.exited;
    expect(exit.code).toBe(1);
    expect(failing.stderr()).toMatch(/"name":"officina".*start-up failed: .*ECONNREFUSED/);
  });
});
