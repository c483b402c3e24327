// `npm start`: serves the last build of the pages, building them first only when web/build is missing or
// older than its sources (server/launch/web.build.ts decides; the build runs as a child process that
// ends with it), then starts the server in this same process.
//
// Plain JavaScript on purpose: it turns on Node's compile cache (node_modules/.cache/node-compile-cache)
// before any TypeScript is loaded. From the second start on, every module, ours and the dependencies,
// comes from that cache already compiled and with its types already stripped, so Node's TypeScript
// stripper (a WebAssembly module of about 18 MB) is never loaded and start-up compiles nothing. The
// cache is keyed by each file's content: an edited file is simply compiled again.
import module from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// Absent before Node 22.1; a cache that cannot be written (read-only tree) only costs the speed-up.
module.enableCompileCache?.(path.join(ROOT, 'node_modules/.cache/node-compile-cache'));

// Its lines go through the server's logger (pino, JSON), like every other line the process writes.
const { processLogger } = await import('./lib/log.ts');
const log = processLogger('officina');

async function start() {
  const { buildFreshness, buildWeb } = await import('./launch/web.build.ts');
  const freshness = buildFreshness(ROOT);
  if (!freshness.current) {
    log.info(`building the pages (${freshness.reason})`);
    const started = Date.now();
    await buildWeb(ROOT);
    log.info(`pages built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  await import('./server.ts');
}

start().catch((err) => {
  log.fatal(`start-up failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
