// Checked by `npm run check`, never imported: the server's in-process facade (server/plugins/web.facade.ts)
// must answer the generated API types that app.d.ts declares for the pages' bridge. If a schema change
// makes them part ways, the line below stops compiling. Bringing in app.ts also brings web.plugin.ts's own
// declaration of the bridge, which TypeScript requires to be identical to app.d.ts's.
// app.ts declares the services the facade reads (a Fastify module augmentation), so it comes along.
import type {} from '../../../../server/app.ts';
import type { WebFacade } from '../../../../server/plugins/web.facade.ts';

type Bridge = NonNullable<typeof globalThis.__officinaWeb>['services'];

export const facadeFitsBridge: WebFacade extends Bridge ? true : false = true;
