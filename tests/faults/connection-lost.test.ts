// A connection that dies while a request holds it (PostgreSQL restarted, a failover, an administrator's
// pg_terminate_backend) must cost that request a 503 to retry, and nothing else: before the fix, the
// client's unhandled 'error' event was an uncaught exception that ended the process.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';
import { expectErrorShape } from '../helpers/http.ts';

describe('a database connection lost while in use', () => {
  let t: TestApp;
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => uncaught.push(err);

  beforeAll(async () => {
    t = await buildTestApp();
    process.on('uncaughtException', onUncaught);
  });
  afterAll(async () => {
    process.off('uncaughtException', onUncaught);
    await t?.close();
  });

  it('answers 503 with Retry-After, raises nothing uncaught, and the next sign-up works', async () => {
    const { cycle } = await createCycle(t.database.db, { capacity: 5 });
    // Hold the cycle row so the sign-up's transaction waits inside the pool's connection.
    const holder = new pg.Client({ connectionString: t.database.url });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT id FROM cycles WHERE id = $1 FOR UPDATE', [cycle.id]);

    // inject() starts only when its result is awaited: Promise.resolve sets it going now.
    const pending = Promise.resolve(t.app.inject({ method: 'POST', url: `/api/cycles/${cycle.slug}/registrations`, payload: registrationBody() }));
    // The app's backend now waits for the row lock: end it the way a restart would.
    // From another connection: inside the holder's transaction pg_stat_activity is one frozen snapshot.
    const killer = new pg.Client({ connectionString: t.database.url });
    await killer.connect();
    let victims = 0;
    const deadline = Date.now() + 30_000;
    while (victims === 0 && Date.now() < deadline) {
      const r = await killer.query(
        `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'`,
      );
      victims = r.rowCount ?? 0;
      if (victims === 0) await new Promise((r2) => setTimeout(r2, 50));
    }
    expect(victims).toBeGreaterThan(0);
    const res = await pending;
    await holder.query('ROLLBACK');
    await holder.end();
    await killer.end();

    expectErrorShape(res.statusCode, res.json(), { status: 503, code: 'service_unavailable' });
    expect(res.headers['retry-after']).toBeDefined();
    // The dead client's own 'error' event comes right after its query failed.
    await new Promise((r) => setTimeout(r, 200));
    expect(uncaught).toEqual([]);

    const again = await t.app.inject({ method: 'POST', url: `/api/cycles/${cycle.slug}/registrations`, payload: registrationBody() });
    expect(again.statusCode).toBe(201);
    // Nothing half-written: exactly the one acknowledged registration.
    const rows = await t.database.db.selectFrom('registrations').select('id').where('cycle_id', '=', cycle.id).execute();
    expect(rows).toHaveLength(1);
  });
});
