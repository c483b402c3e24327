// `npm run build`: builds the pages into web/build now, whether or not they are current, and stamps the
// build so `npm start` knows what it was built from (server/launch/web.build.ts). The server itself is
// not compiled: Node runs its TypeScript as it is (type stripping).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWeb } from '../launch/web.build.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

buildWeb(ROOT).catch((err: unknown) => {
  console.error(`officina: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
