// An external PostgreSQL (Debian's PostgreSQL 15 through DATABASE_URL) restarted or stopped by its
// administrator in the middle of a burst of sign-ups (issue 12): the Node process stays up, every
// request gets a proper answer (201, or 503 with Retry-After: never a 500, never a reset), every 201 is
// stored, no seat is oversold, and once PostgreSQL is back the app serves again by itself (its pools
// reconnect). Correctness is asserted by counts, never by timings.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/schema.ts';
import { expectOutageSurvived, signupBurst, testDb, watchHealth, type Burst } from '../helpers/db-outage.ts';
import { createCycle } from '../helpers/factories.ts';
import { startCluster, type Cluster } from '../helpers/pg-cluster.ts';
import { freePort, startServer, type ServerProcess } from '../helpers/server-process.ts';

let cluster: Cluster | null = null;
let dataDir: string;
let server: ServerProcess | null = null;
let db: Kysely<Database> | null = null;

beforeAll(async () => {
  cluster = await startCluster();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'officina-db-external-'));
  server = await startServer({
    DATABASE_URL: cluster.url,
    DATA_DIR: dataDir,
    PORT: String(await freePort()),
    DEMO_DATA: '0',
    LOG_LEVEL: 'warn',
    SERVE_WEB: '0',
    TRUST_PROXY: 'loopback',
  });
  db = testDb(cluster.url);
}, 60_000);

afterAll(async () => {
  if (server && server.proc.exitCode === null && server.proc.signalCode === null) await server.stop('SIGTERM');
  await db?.destroy();
  await cluster?.destroy();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** What must hold after any outage: the process up, and the burst's people served as the contract says. */
async function expectSurvived(cycleId: string, burst: Burst, label: string) {
  expect(server!.proc.exitCode, `server exited:\n${server!.output().slice(-3000)}`).toBeNull();
  const summary = await expectOutageSurvived(db!, cycleId, burst, server!.output());
  console.log(`db-external-restart (${label}): ${summary}`);
}

describe('an external PostgreSQL restarted during a burst of sign-ups', () => {
  it('pg_ctl restart -m fast: the process stays up, the contract is kept, every 201 is stored', async () => {
    const { cycle } = await createCycle(db!, { capacity: 40 });
    const burst = await signupBurst({
      base: server!.base,
      slug: cycle.slug,
      fault: () => cluster!.ctl('restart', '-m', 'fast'),
    });
    await expectSurvived(cycle.id, burst, 'restart -m fast');
  }, 60_000);

  it('pg_ctl stop -m immediate, then start: health says unavailable meanwhile, and ok again after', async () => {
    const { cycle } = await createCycle(db!, { capacity: 40 });
    const health = watchHealth(server!.base);
    const burst = await signupBurst({
      base: server!.base,
      slug: cycle.slug,
      fault: async () => {
        await cluster!.ctl('stop', '-m', 'immediate');
        // Down until the app has said so (bounded), then back: a crash the administrator repairs.
        for (let i = 0; i < 100 && !health.samples.some((s) => s.status === 503); i++) await new Promise((r) => setTimeout(r, 100));
        await cluster!.start();
      },
    });
    await expectSurvived(cycle.id, burst, 'stop -m immediate, start');
    const samples = await health.stop();
    const firstDown = samples.findIndex((s) => s.status === 503);
    expect(firstDown, JSON.stringify(samples)).toBeGreaterThanOrEqual(0);
    expect(samples[firstDown]!.database).toBe('unavailable');
    expect(
      samples.slice(firstDown).some((s) => s.status === 200 && s.database === 'ok'),
      JSON.stringify(samples),
    ).toBe(true);
  }, 60_000);
});
