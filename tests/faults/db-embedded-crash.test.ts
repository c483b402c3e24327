// The embedded PostgreSQL killed (kill -9 of its postmaster) in the middle of a burst of sign-ups
// (issue 12): the Node process stays up, every request gets a proper answer (201, or 503 with
// Retry-After: never a 500, never a reset), every 201 is stored, no seat is oversold, the app restarts
// its own database on the same data directory and port, and /api/health says 503 "unavailable" while
// it is gone and 200 once it is back. Correctness is asserted by counts, never by timings.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/schema.ts';
import { expectOutageSurvived, signupBurst, testDb, watchHealth } from '../helpers/db-outage.ts';
import { createCycle } from '../helpers/factories.ts';
import { freePort, isAlive, killLeftovers, postmasterOf, startServer, waitForHealth, type ServerProcess } from '../helpers/server-process.ts';

let dataDir: string;
let server: ServerProcess | null = null;
let db: Kysely<Database> | null = null;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'officina-db-crash-'));
  server = await startServer({
    DATA_DIR: dataDir,
    PORT: String(await freePort()),
    DEMO_DATA: '0',
    // info: the cache listener says when it is back (and has dropped what it may have missed).
    LOG_LEVEL: 'info',
    SERVE_WEB: '0',
    // Each person of the burst comes from their own X-Forwarded-For, as behind a reverse proxy.
    TRUST_PROXY: 'loopback',
  });
  const { password } = JSON.parse(fs.readFileSync(path.join(dataDir, 'pg-credentials.json'), 'utf8')) as { password: string };
  db = testDb(`postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${server.pgPort()}/officina`);
}, 60_000);

afterAll(async () => {
  if (server && server.proc.exitCode === null && server.proc.signalCode === null) await server.stop('SIGTERM');
  await db?.destroy();
  await killLeftovers(dataDir);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the embedded PostgreSQL ended during a burst of sign-ups', () => {
  it('killed (kill -9 of the postmaster): process up, contract kept, every 201 stored, database restarted, served again', async () => {
    const { cycle } = await createCycle(db!, { capacity: 40 });
    const before = postmasterOf(dataDir);
    expect(before, server!.output()).toBeTypeOf('number');
    const health = watchHealth(server!.base);

    const burst = await signupBurst({
      base: server!.base,
      slug: cycle.slug,
      fault: async () => {
        process.kill(before!, 'SIGKILL');
      },
    });
    const samples = await health.stop();

    expect(server!.proc.exitCode, `server exited:\n${server!.output().slice(-3000)}`).toBeNull();
    expect(isAlive(server!.pid)).toBe(true);
    // The people answered 503 tried again and were served: the database came back by the app's doing.
    const summary = await expectOutageSurvived(db!, cycle.id, burst, server!.output());
    expect(burst.answers.filter((o) => o.status === 503).length, summary).toBeGreaterThan(0);

    const after = postmasterOf(dataDir);
    expect(after).toBeTypeOf('number');
    expect(after).not.toBe(before);
    expect(server!.output()).toMatch(/embedded PostgreSQL .*restarted/);
    // The read cache's LISTEN connection reconnected by itself and cleared the cache (notifications sent
    // while it was away are lost).
    for (let i = 0; i < 100 && !/cache listener reconnected; cache cleared/.test(server!.output()); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(server!.output()).toMatch(/cache listener lost its database connection/);
    expect(server!.output()).toMatch(/cache listener reconnected; cache cleared/);

    // Health: unavailable while the database was gone, ok once it was back.
    const firstDown = samples.findIndex((s) => s.status === 503);
    expect(firstDown, JSON.stringify(samples)).toBeGreaterThanOrEqual(0);
    expect(samples[firstDown]!.database).toBe('unavailable');
    expect(
      samples.slice(firstDown).some((s) => s.status === 200 && s.database === 'ok'),
      JSON.stringify(samples),
    ).toBe(true);

    const supervisor = server!
      .output()
      .split('\n')
      .filter((l) => /embedded PostgreSQL (exited|restart)/.test(l));
    console.log(`db-embedded-crash: ${summary}; health 503 samples ${samples.filter((s) => s.status === 503).length}\n${supervisor.join('\n')}`);
  }, 90_000);

  it('stopped by someone (SIGINT to the postmaster, what pg_ctl stop -m fast sends): restarted, served again', async () => {
    const { cycle } = await createCycle(db!, { capacity: 40 });
    const before = postmasterOf(dataDir);
    expect(before, server!.output()).toBeTypeOf('number');
    const restarts = (server!.output().match(/embedded PostgreSQL restarted/g) ?? []).length;
    const burst = await signupBurst({
      base: server!.base,
      slug: cycle.slug,
      fault: async () => {
        process.kill(before!, 'SIGINT');
      },
    });
    expect(server!.proc.exitCode, `server exited:\n${server!.output().slice(-3000)}`).toBeNull();
    const summary = await expectOutageSurvived(db!, cycle.id, burst, server!.output());
    expect(server!.output()).toMatch(/embedded PostgreSQL exited unexpectedly \(code 0\); restarting it/);
    expect((server!.output().match(/embedded PostgreSQL restarted/g) ?? []).length).toBe(restarts + 1);
    expect(postmasterOf(dataDir)).not.toBe(before);
    console.log(`db-embedded-crash (SIGINT): ${summary}`);
  }, 60_000);

  it('a restart that fails (its port taken meanwhile) is tried again until it works', async () => {
    const before = postmasterOf(dataDir)!;
    const port = server!.pgPort()!;
    const failures = (server!.output().match(/embedded PostgreSQL restart attempt \d+ failed/g) ?? []).length;
    process.kill(before, 'SIGKILL');
    // Take the port as soon as the dead postmaster lets go of it, before the supervisor's first attempt.
    // It accepts and drops whatever connects meanwhile (the app's pools keep trying).
    const squatter = net.createServer((socket) => socket.destroy());
    for (let i = 0; i < 100; i++) {
      const bound = await new Promise<boolean>((resolve) => {
        squatter.once('error', () => resolve(false));
        squatter.listen(port, '127.0.0.1', () => resolve(true));
      });
      if (bound) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(squatter.listening).toBe(true);
    try {
      for (let i = 0; i < 200 && (server!.output().match(/embedded PostgreSQL restart attempt \d+ failed/g) ?? []).length === failures; i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(server!.output().slice(-5000)).toMatch(/embedded PostgreSQL restart attempt \d+ failed .*; next attempt in \d+ ms/);
    } finally {
      await new Promise((r) => squatter.close(r));
      console.log(
        server!
          .output()
          .split('\n')
          .filter((l) => /embedded PostgreSQL (exited|restart)/.test(l))
          .slice(-4)
          .join('\n'),
      );
    }
    await waitForHealth(server!, 30_000);
    expect(server!.proc.exitCode).toBeNull();
    expect(postmasterOf(dataDir)).not.toBe(before);
  }, 60_000);
});
