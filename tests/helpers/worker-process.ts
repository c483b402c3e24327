// The standalone job runner (`npm run worker`, server/worker.ts) as a real child process against a
// test database, for the fault tests that kill or stop it.
import { spawn } from 'node:child_process';
import { testConfig } from './app.ts';
import { cleanEnv, ROOT, type Exit } from './server-process.ts';

export interface WorkerProcess {
  pid: number;
  output(): string;
  exited: Promise<Exit>;
  /** Sends the signal and waits for the process to end (SIGKILL after `ms`). */
  stop(signal?: NodeJS.Signals, ms?: number): Promise<Exit>;
}

export function spawnWorker(opts: { databaseUrl: string; smtpUrl: string; dataDir: string; env?: Record<string, string> }): WorkerProcess {
  const config = testConfig();
  const proc = spawn(process.execPath, ['server/worker.ts'], {
    cwd: ROOT,
    env: cleanEnv({
      NODE_ENV: 'test',
      DATABASE_URL: opts.databaseUrl,
      SMTP_URL: opts.smtpUrl,
      // The same key and public URL as the tests' config: the same links and Message-IDs.
      SECRET_KEY: config.secretKey!,
      PUBLIC_URL: config.publicUrl,
      // The test PUBLIC_URL is not a loopback address: say that test mode there is meant.
      ALLOW_DEVELOPMENT_MODE: '1',
      DATA_DIR: opts.dataDir,
      LOG_LEVEL: 'warn',
      ...opts.env,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const exited = new Promise<Exit>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    pid: proc.pid!,
    output: () => out,
    exited,
    async stop(signal = 'SIGTERM', ms = 30_000) {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      const timer = setTimeout(() => proc.kill('SIGKILL'), ms);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
