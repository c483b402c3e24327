// The deployments of the README run the server as an unprivileged user (systemd's User=officina, the
// image's user node), and the embedded PostgreSQL then runs as that same user: only root needs (and may
// create) a separate `postgres` account. A real server process, started as `nobody`, must create its
// cluster, answer and stop cleanly.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, killLeftovers, startServer, waitForNoPostgres, type ServerProcess } from '../helpers/server-process.ts';

const NOBODY = { uid: 65534, gid: 65534 };
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'officina-non-root-'));
let server: ServerProcess | null = null;

afterAll(async () => {
  if (server && server.proc.exitCode === null && server.proc.signalCode === null) await server.stop('SIGKILL');
  await killLeftovers(dataDir);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the server as an unprivileged user, embedded database', () => {
  it('creates its cluster, answers, and stops with exit 0 leaving no postgres behind', async () => {
    fs.chownSync(dataDir, NOBODY.uid, NOBODY.gid);
    const wrapper = ['setpriv', `--reuid=${NOBODY.uid}`, `--regid=${NOBODY.gid}`, '--clear-groups'];
    expect(
      spawnSync(wrapper[0]!, [...wrapper.slice(1), 'id', '-u'])
        .stdout.toString()
        .trim(),
    ).toBe(String(NOBODY.uid));
    const port = await freePort();
    server = await startServer(
      { DATA_DIR: dataDir, PORT: String(port), DEMO_DATA: '0', SERVE_WEB: '0', HOME: dataDir, SECRET_KEY: 'non-root-test-secret-key-0123456789abcdef' },
      { wrapper },
    ).catch((err: Error) => {
      throw new Error(err.message.slice(-3000));
    });
    const health = await fetch(`${server.base}/api/health`);
    expect(await health.json()).toEqual({ status: 'ok', database: 'ok' });
    expect(fs.statSync(path.join(dataDir, 'pg', 'PG_VERSION')).uid).toBe(NOBODY.uid);
    const exit = await server.stop('SIGTERM');
    expect(exit, server.output().slice(-3000)).toEqual({ code: 0, signal: null });
    expect(await waitForNoPostgres(dataDir)).toEqual([]);
  }, 120_000);
});
