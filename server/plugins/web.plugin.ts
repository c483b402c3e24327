// Every path that is not /api, /ical or /dev goes to the SvelteKit app (web/), mounted inside Fastify
// so one process serves one port. The pages read data in-process: before the handler is imported we
// publish a bridge on globalThis, and web/src/lib/server/api.ts uses it instead of a network round trip.
// The public reads everyone makes (catalogue, a cycle, the themes) go through `services`, a typed facade
// over the read cache (web.facade.ts); everything else goes through the routes with `app.inject`.
// The catalogue page itself is kept rendered in the same cache (web.pages.ts).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import fp from 'fastify-plugin';
import { renamedPath } from '../lib/site.urls.ts';
import { webFacade, type WebFacade } from './web.facade.ts';
import { pageCache } from './web.pages.ts';

const HANDLER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/build/handler.js');

/** Paths Fastify answers itself; an unknown one there gets the JSON 404, never an HTML page. */
const OWN_PREFIXES = ['/api/', '/ical/', '/dev/'];
const OWN_EXACT = new Set(['/api', '/ical', '/dev']);

/** The header adapter-node reads the client address from (ADDRESS_HEADER); we always overwrite it. */
const ADDRESS_HEADER = 'x-officina-client-address';

/** What the web app may call in-process (the shape web/src/app.d.ts declares on globalThis). */
export interface OfficinaWebBridge {
  inject(request: {
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    url: string;
    headers: Record<string, string>;
    payload?: string;
  }): Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }>;
  services: WebFacade;
  config: {
    publicUrl: string;
    timezone: string;
    privacyVersion: string;
    signInCookie: string;
    /** The programme's contact (CONTACT_*): the console's cycle form says it answers while the cycle names none. */
    programmeContact: { name: string; email: string; phone: string | null } | null;
  };
  /** The app's pino logger, so the pages' own error lines are JSON like every other line. */
  log: { error(fields: object, message: string): void };
}

declare global {
  var __officinaWeb: OfficinaWebBridge | undefined;
  /** The ORIGIN the (module-cached) SvelteKit handler was loaded with. */
  var __officinaWebOrigin: string | undefined;
}

type NodeHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

export default fp<{ enabled: boolean }>(
  async (app, opts) => {
    if (!opts.enabled) return;
    if (!fs.existsSync(HANDLER)) {
      throw new Error(`web app not built: ${path.relative(process.cwd(), HANDLER)} is missing. Run \`npm run build\` first.`);
    }

    const bridge: OfficinaWebBridge = {
      async inject(request) {
        // The page passes its visitor's address (already decided by Fastify's trustProxy, see the
        // catch-all below) as x-forwarded-for; it becomes the injected request's peer address, so the
        // API's throttles count the visitor without trusting that header from anyone else.
        const { 'x-forwarded-for': client, ...headers } = request.headers;
        const res = await app.inject({ ...request, headers, ...(client ? { remoteAddress: client } : {}) });
        return { statusCode: res.statusCode, headers: res.headers, body: res.body };
      },
      services: webFacade(app),
      log: app.log,
      config: {
        publicUrl: app.config.publicUrl,
        timezone: app.config.timezone,
        privacyVersion: app.config.privacyVersion,
        // The pages forward the organiser's cookie under the name the API reads (auth.plugin.ts).
        signInCookie: app.signInCookie.name,
        programmeContact: app.config.programmeContact,
      },
    };
    globalThis.__officinaWeb = bridge;
    app.addHook('onClose', async () => {
      if (globalThis.__officinaWeb === bridge) globalThis.__officinaWeb = undefined;
    });

    // adapter-node reads these once, when handler.js is first imported: ORIGIN makes form actions pass
    // SvelteKit's CSRF check and gives server-side URLs the public origin. A second app built in the
    // same process with another PUBLIC_URL would keep the first origin, so say so.
    const loadedWith = globalThis.__officinaWebOrigin;
    if (loadedWith && loadedWith !== app.config.publicUrl) {
      app.log.warn({ loadedWith, publicUrl: app.config.publicUrl }, 'web handler already loaded with another ORIGIN');
    }
    process.env.ORIGIN = loadedWith ?? app.config.publicUrl;
    process.env.ADDRESS_HEADER = ADDRESS_HEADER;
    const { handler } = (await import(pathToFileURL(HANDLER).href)) as { handler: NodeHandler };
    globalThis.__officinaWebOrigin = process.env.ORIGIN;
    const pages = pageCache({ cache: app.readCache, handler });

    await app.register(async (scope) => {
      // Form actions read the raw body themselves: no parser may consume it in this scope.
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (_req, _payload, done) => done(null));

      scope.route({
        method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
        url: '/*',
        exposeHeadRoute: false,
        schema: { hide: true },
        handler(req, reply) {
          const pathname = req.url.split('?')[0]!;
          if (OWN_EXACT.has(pathname) || OWN_PREFIXES.some((p) => pathname.startsWith(p))) {
            return reply.callNotFound();
          }
          // A page address from before the paths were all Italian (a printed QR code, a sent email).
          const moved = renamedPath(pathname);
          if (moved !== null) return reply.redirect(moved + req.url.slice(pathname.length), req.method === 'GET' || req.method === 'HEAD' ? 301 : 308);
          // Fastify already decided who the client is (trustProxy); pass that on instead of the socket.
          req.raw.headers[ADDRESS_HEADER] = req.ip;
          reply.hijack();
          const render = () =>
            handler(req.raw, reply.raw, () => {
              // Only reached for requests SvelteKit declines to answer (it renders its own 404 page).
              reply.raw.statusCode = 404;
              reply.raw.end();
            });
          const kept = pages.pageKey(req.raw as { method: string; url: string; headers: IncomingMessage['headers'] });
          if (!kept) return render();
          const ifNoneMatch = req.headers['if-none-match'] ?? '';
          void pages.serve(kept, req.url, ifNoneMatch, reply.raw).then(
            (answered) => answered || render(),
            (err: unknown) => {
              req.log.error({ err }, 'catalogue page from the cache failed');
              render();
            },
          );
        },
      });
    });
  },
  { name: 'web', dependencies: ['errors', 'auth'] },
);
