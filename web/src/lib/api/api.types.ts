// Reads the generated OpenAPI types (schema.d.ts, written by `npm run api:types` from the document the
// server serves at /api/docs/json): a change to a response schema on the server changes these types,
// so a page that no longer fits fails `npm run check`.
import type { paths } from './schema';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** The JSON body that `method path` answers with `status` (200 unless given). */
export type ApiJson<P extends keyof paths, M extends Method & keyof paths[P], S extends number = 200> = paths[P][M] extends { responses: infer R }
  ? S extends keyof R
    ? R[S] extends { content: { 'application/json': infer T } }
      ? T
      : never
    : never
  : never;
