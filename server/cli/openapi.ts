// Writes the API's OpenAPI document (what /api/docs/json serves) to the file named on the command line,
// so the pages' types can be generated from it (npm run api:types) without a running server or database.
// The app is built against an address where no database listens: the pool connects only on a query and
// none is made; the cache listener's failed connection is retried in the background until close. No
// token is made either, so the secret is a placeholder.
import { writeFile } from 'node:fs/promises';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';

const out = process.argv[2];
if (!out) {
  console.error('usage: node server/cli/openapi.ts <output.json>');
  process.exit(2);
}
const databaseUrl = 'postgres://openapi@127.0.0.1:1/none';
const app = await buildApp({
  config: loadConfig({ NODE_ENV: 'development', DATABASE_URL: databaseUrl }),
  databaseUrl,
  secretKey: 'openapi-document-only-no-token-is-made',
  logger: false,
});
await app.ready();
await writeFile(out, `${JSON.stringify(app.swagger(), null, 2)}\n`);
await app.close();
