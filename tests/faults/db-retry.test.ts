// Transactions that PostgreSQL aborts as deadlock victims (40P01) or serialization failures (40001)
// are run again a bounded number of times (lib/db-retry.ts); past that the request gets the contract's
// 503 with Retry-After, never a 500 (issue 12). Real PostgreSQL errors throughout: a real deadlock
// between two transactions, and errors raised by PostgreSQL itself with those codes.
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { inTransaction, TRANSACTION_ATTEMPTS } from '../../server/lib/db-retry.ts';
import { testConfig } from '../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { expectErrorShape } from '../helpers/http.ts';

let database: TestDatabase;
let app: FastifyInstance;
let routeRuns = 0;

/** PostgreSQL itself raises `code`, inside the transaction, as a conflict would. */
const raise = (code: string) => sql`DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '${sql.raw(code)}'; END $$`;

beforeAll(async () => {
  database = await createTestDatabase();
  await sql`CREATE TABLE retry_probe (id int PRIMARY KEY, n int NOT NULL)`.execute(database.db);
  await sql`INSERT INTO retry_probe VALUES (1, 0), (2, 0)`.execute(database.db);
  app = await buildApp({ config: testConfig(), databaseUrl: database.url, logger: false });
  // A route of the real app whose transaction always loses: what a request sees once retries run out.
  app.post('/api/test/always-deadlocked', async () => {
    await inTransaction(app.db, async (trx) => {
      routeRuns += 1;
      await raise('40P01').execute(trx);
    });
    return { ok: true };
  });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await database?.drop();
});

describe('transactions that lose a conflict', () => {
  it('a real deadlock: the victim runs again and both transactions commit', async () => {
    let runs = 0;
    let bothHoldFirstLock: () => void;
    const firstLocks = new Promise<void>((r) => (bothHoldFirstLock = r));
    let holding = 0;
    // Each takes its first row, waits until the other holds its own, then wants the other's row.
    const transfer = (first: number, second: number) =>
      inTransaction(database.db, async (trx) => {
        runs += 1;
        await sql`UPDATE retry_probe SET n = n + 1 WHERE id = ${first}`.execute(trx);
        if (++holding === 2) bothHoldFirstLock();
        await firstLocks;
        await sql`UPDATE retry_probe SET n = n + 1 WHERE id = ${second}`.execute(trx);
      });
    await Promise.all([transfer(1, 2), transfer(2, 1)]);
    // One deadlock victim, run once more: three runs, and both increments of both rows are there.
    expect(runs).toBe(3);
    const rows = await sql<{ id: number; n: number }>`SELECT id, n FROM retry_probe ORDER BY id`.execute(database.db);
    expect(rows.rows).toEqual([
      { id: 1, n: 2 },
      { id: 2, n: 2 },
    ]);
  });

  it('a serialization failure every time: tried a bounded number of times, then the error goes on', async () => {
    let runs = 0;
    const failing = inTransaction(database.db, async (trx) => {
      runs += 1;
      await raise('40001').execute(trx);
    });
    await expect(failing).rejects.toMatchObject({ code: '40001' });
    expect(runs).toBe(TRANSACTION_ATTEMPTS);
  });

  it('any other error is not retried', async () => {
    let runs = 0;
    const failing = inTransaction(database.db, async (trx) => {
      runs += 1;
      await sql`INSERT INTO retry_probe VALUES (1, 0)`.execute(trx);
    });
    await expect(failing).rejects.toMatchObject({ code: '23505' });
    expect(runs).toBe(1);
  });

  it('a request whose transaction keeps losing gets 503 service_unavailable with Retry-After, not 500', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/test/always-deadlocked' });
    expectErrorShape(res.statusCode, res.json(), { status: 503, code: 'service_unavailable' });
    expect(res.headers['retry-after']).toBeDefined();
    expect(routeRuns).toBe(TRANSACTION_ATTEMPTS);
  });
});
