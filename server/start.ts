// `npm start`: serves the last build of the pages, building them first only when web/build is missing or
// older than its sources (server/launch/web.build.ts decides; the build runs as a child process that
// ends with it), then starts the server in this same process. A second start on an unchanged tree is
// therefore just the server's own start-up.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFreshness, buildWeb } from './launch/web.build.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function start() {
  const freshness = buildFreshness(ROOT);
  if (!freshness.current) {
    console.log(`officina: building the pages (${freshness.reason})`);
    const started = Date.now();
    await buildWeb(ROOT);
    console.log(`officina: pages built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  await import('./server.ts');
}

start().catch((err: unknown) => {
  console.error(`officina: start-up failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
