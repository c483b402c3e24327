// `npm run bench [name...]`: runs every benchmark in BENCHES (or only the named ones), one after the
// other, each printing its own figures. A new benchmark exports `name`, `description` and `run()`
// (see bench.support.ts, Bench) and is added to the list below.
import type { Bench } from './bench.support.ts';
import * as calendars from './calendars.bench.ts';
import * as mail from './mail.bench.ts';
import * as reads from './reads.bench.ts';
import * as registrations from './registrations.bench.ts';
import * as startup from './startup.bench.ts';

const BENCHES: Bench[] = [registrations, reads, calendars, mail, startup];

async function main() {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !BENCHES.some((b) => b.name === w));
  if (unknown.length) {
    console.error(`unknown benchmark: ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}`);
    process.exit(2);
  }
  const selected = wanted.length ? BENCHES.filter((b) => wanted.includes(b.name)) : BENCHES;
  for (const bench of selected) {
    console.log(`\n=== ${bench.name}: ${bench.description}\n`);
    const started = Date.now();
    await bench.run();
    console.log(`\n=== ${bench.name} done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
