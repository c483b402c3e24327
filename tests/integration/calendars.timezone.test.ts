// The calendar tests again, in a process whose local zone is America/New_York: a renderer that wrote the
// machine's wall time instead of Rome's would pass on a UTC or Rome machine and fail here (docs/decisions.md,
// ical-generator pitfall). The child vitest uses this run's PostgreSQL (TEST_DATABASE_URL), so no
// second database server is started.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, inject, it } from 'vitest';

const FILES = ['tests/integration/calendars.ics.test.ts', 'tests/integration/calendars.feeds.test.ts'];

interface JsonReport {
  success: boolean;
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  testResults: { name: string; assertionResults: { title: string; status: string }[] }[];
}

it('passes every calendar test with TZ=America/New_York', { timeout: 180_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'officina-tz-'));
  const out = path.join(dir, 'report.json');
  try {
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...FILES, '--maxWorkers=1', '--reporter=json', `--outputFile=${out}`], {
        cwd: process.cwd(),
        env: { ...process.env, TZ: 'America/New_York', EXPECT_TZ: 'America/New_York', TEST_DATABASE_URL: inject('pgAdminUrl') },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += String(d)));
      child.on('error', reject);
      child.on('close', (c) => {
        if (c !== 0) console.error(stderr.slice(-4000));
        resolve(c ?? 1);
      });
    });
    const report = JSON.parse(fs.readFileSync(out, 'utf8')) as JsonReport;
    const failed = report.testResults.flatMap((f) => f.assertionResults.filter((a) => a.status !== 'passed').map((a) => `${f.name}: ${a.title} (${a.status})`));
    expect(failed).toEqual([]);
    expect(code).toBe(0);
    expect(report.success).toBe(true);
    // Both files ran, and the zone check inside them saw New York.
    expect(report.testResults.map((f) => path.relative(process.cwd(), f.name)).sort()).toEqual([...FILES].sort());
    const titles = report.testResults.flatMap((f) => f.assertionResults.map((a) => a.title));
    expect(titles).toContain('runs in the expected process time zone');
    expect(report.numPassedTests).toBe(report.numTotalTests);
    expect(report.numTotalTests).toBeGreaterThan(20);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
