// PostgreSQL down at a minute's tick (issue 12): graphile-worker's cron cannot reach it and stops the
// whole runner, so without a watch on the runner no mail left the process again until a restart. The
// app must take up its mail by itself once PostgreSQL returns: a sign-up after the outage gets its
// confirmation. The outage is placed across the minute on purpose (seconds 50 → 08), so the test waits
// for the clock; it stays well under a minute and a half.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/schema.ts';
import { signUp, personAddress, testDb } from '../helpers/db-outage.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';
import { startCluster, type Cluster } from '../helpers/pg-cluster.ts';
import { freePort, startServer, type ServerProcess } from '../helpers/server-process.ts';
import { startSmtpSink, waitUntil, type SmtpSink } from '../helpers/smtp.ts';

let cluster: Cluster | null = null;
let sink: SmtpSink | null = null;
let dataDir: string;
let server: ServerProcess | null = null;
let db: Kysely<Database> | null = null;

const second = () => new Date().getUTCSeconds();
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  cluster = await startCluster();
  sink = await startSmtpSink();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'officina-cron-outage-'));
  server = await startServer({
    DATABASE_URL: cluster.url,
    SMTP_URL: sink.url,
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
  await sink?.close();
  await cluster?.destroy();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('PostgreSQL down when the minute turns', () => {
  it('the mail worker comes back with the database: a sign-up afterwards gets its confirmation', async () => {
    const { cycle } = await createCycle(db!, { capacity: 10 });
    const before = registrationBody();
    expect((await signUp(server!.base, cycle.slug, personAddress(), before)).status).toBe(201);
    await sink!.waitFor(() => sink!.to(before.email).length === 1, 'the confirmation before the outage', 30_000);

    while (second() < 50) await pause(200);
    await cluster!.ctl('stop', '-m', 'immediate');
    while (second() >= 50 || second() < 8) await pause(200);
    await cluster!.start();

    const after = registrationBody();
    await waitUntil(async () => (await signUp(server!.base, cycle.slug, personAddress(), after)).status === 201, 'a sign-up accepted again', 30_000);
    await sink!.waitFor(() => sink!.to(after.email).length === 1, 'the confirmation after the outage', 45_000);
    expect(server!.proc.exitCode, server!.output().slice(-3000)).toBeNull();
  }, 150_000);
});
