// Builds the Fastify app: external plugins, then app plugins, then routes. No listening, no process
// concerns: server.ts and the tests both call buildApp().
import path from 'node:path';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from './config.ts';
import type { SignupActivity } from './modules/registrations/registrations.activity.ts';
import type { Notifier } from './modules/notifications/notifications.service.ts';
import type { ReadCache } from './modules/cache/cache.service.ts';
import { startCacheListener, type CacheListener } from './modules/cache/cache.listener.ts';
import { invalidateOnLocalWrites } from './modules/cache/cache.writes.ts';
import { buildServices, type Services } from './services.ts';
import authPlugin from './plugins/auth.plugin.ts';
import dbPlugin from './plugins/db.plugin.ts';
import drainPlugin from './plugins/drain.plugin.ts';
import errorsPlugin, { frameworkErrors } from './plugins/errors.plugin.ts';
import headersPlugin from './plugins/headers.plugin.ts';
import { redactingSerializers } from './lib/log-redact.ts';
import webPlugin from './plugins/web.plugin.ts';
import cyclesRoutes from './routes/cycles.routes.ts';
import healthRoutes from './routes/health.routes.ts';
import registrationsRoutes from './routes/registrations.routes.ts';
import icalRoutes, { calendarTokenRoutes } from './routes/ical.routes.ts';
import devMailRoutes from './routes/dev-mail.routes.ts';
import adminRoutes from './routes/admin-index.routes.ts';
import authRoutes from './routes/auth.routes.ts';
import checkInRoutes from './routes/check-in.routes.ts';
import materialsRoutes from './routes/materials.routes.ts';
import adminMaterialsRoutes from './routes/admin-materials.routes.ts';
import certificatesRoutes from './routes/certificates.routes.ts';
import privacyRoutes from './routes/privacy.routes.ts';
import linksRoutes from './routes/links.routes.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    /** The public reads' cache and what keeps it in step with every process' writes. */
    readCache: ReadCache;
    cacheListener: CacheListener;
    /** Whether sign-ups are being decided: the mail worker of this process waits for a quiet moment. */
    signupActivity: SignupActivity;
    /** Every service, built once by the composition root (services.ts). */
    services: Services;
  }
}

/**
 * Connections the kernel may hold for us before we accept them (capped by net.core.somaxconn). Node's
 * default of 511 is below the crowd of a popular opening, and connections beyond it were reset.
 */
export const LISTEN_BACKLOG = 4096;

export interface BuildOptions {
  config: Config;
  /** The database to use (DATABASE_URL, or the embedded one server.ts started). */
  databaseUrl: string;
  /** Secret the link tokens derive from (config.secretKey when not given). */
  secretKey?: string;
  logger?: boolean | object;
  /** Serve the SvelteKit pages (needs `npm run build`). Off in API-only tests. */
  web?: boolean;
  /** Test seam: a fixed clock. */
  clock?: () => Date;
  /** What follows a change (mail jobs); default: the real queue notifier. */
  notifier?: Notifier;
  /** Test seam: how long a cached public read lives (default 1 s, the freshness promised for seat counts). */
  readCacheTtlMs?: number;
}

export async function buildApp(opts: BuildOptions): Promise<FastifyInstance> {
  const { config } = opts;
  const app = Fastify({
    // Request lines never carry a link's secret (see lib/log-redact.ts); the pages' in-process API
    // calls are logged through the same serializer.
    logger:
      opts.logger === false ? false : { level: config.logLevel, ...(typeof opts.logger === 'object' ? opts.logger : {}), serializers: redactingSerializers },
    // X-Forwarded-For is believed only from the proxies TRUST_PROXY names (none by default): the
    // throttles count req.ip, and a header anyone can forge must not choose it.
    trustProxy: config.trustProxy.length > 0 ? [...config.trustProxy] : false,
    bodyLimit: 1024 * 1024,
    // Bad percent-encoding or an over-long path segment: the contract's 404, not Fastify's own body.
    frameworkErrors,
    // While the app closes, requests still arriving get the drain plugin's 503 (the contract's body and
    // Retry-After), not Fastify's own body without a code.
    return503OnClosing: false,
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('config', config);

  // An empty JSON body (a bare POST to /cancel sent with Content-Type: application/json) is "no body",
  // not a parse error; the route schema then decides whether a body was required.
  app.removeContentTypeParser('application/json');
  // Fastify's own parser underneath keeps its prototype-poisoning protection (such keys are dropped);
  // a byte-order mark is refused like any other non-JSON prefix (RFC 8259 §8.1).
  const defaultJson = app.getDefaultJsonParser('remove', 'remove');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    const invalid = () => Object.assign(new Error('invalid JSON body'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
    if (text.charCodeAt(0) === 0xfeff) return done(invalid(), undefined);
    defaultJson(req, text, (err, parsed) => {
      if (!err) return done(null, parsed);
      done(invalid(), undefined);
    });
  });

  await app.register(headersPlugin);
  await app.register(errorsPlugin);
  // Before the routes' own hooks (auth): a request that arrives while the server stops is answered at once.
  await app.register(drainPlugin);
  await app.register(dbPlugin, { connectionString: opts.databaseUrl, poolMax: config.databasePoolMax });

  // Every service, on the app's pool (the composition root, services.ts).
  const built = buildServices(config, {
    db: app.db,
    secretKey: opts.secretKey ?? config.secretKey ?? '',
    clock: opts.clock,
    notifier: opts.notifier,
    readCacheTtlMs: opts.readCacheTtlMs,
  });
  app.decorate('services', built.services);
  app.decorate('signupActivity', built.activity);

  // One cache per app, kept in step by one listening connection, closed with the app.
  const { readCache } = built;
  const cacheListener = startCacheListener({ connectionString: opts.databaseUrl, cache: readCache, log: app.log });
  app.decorate('readCache', readCache);
  app.decorate('cacheListener', cacheListener);
  app.addHook('onClose', async () => cacheListener.close());
  app.addHook('onReady', async () => {
    // Serving before LISTEN is in place is safe (entries live ≤ 1 s), so start-up waits for it only
    // briefly; a listener that cannot connect is logged and retried, never a reason not to start.
    const waited = await Promise.race([
      cacheListener.ready.then(
        () => true,
        () => false,
      ),
      new Promise<false>((resolve) => setTimeout(resolve, 3_000, false).unref()),
    ]);
    if (!waited) app.log.warn('cache listener not connected yet; it keeps retrying');
  });
  // This process' own writes reach its next read at once (the notification comes a moment later).
  invalidateOnLocalWrites(app.pg.pool, readCache);
  // Sign-ups already queued are decided (and answered) before the pool closes.
  app.addHook('preClose', () => built.pipeline.close());
  await app.register(authPlugin);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Officina API', version: '0.1.0', description: 'Registrations, attendance, calendars and materials.' },
      servers: [{ url: config.publicUrl }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(async (docs) => {
    // In production the API's reference is for administrators (it maps every route an attacker could
    // try), unless API_DOCS_PUBLIC says otherwise; the auth plugin's access rule guards it like /api/admin.
    if (config.isProduction && !config.apiDocsPublic) {
      docs.addHook('onRoute', (route) => {
        route.config = { ...(route.config ?? {}), access: 'administrator' };
      });
    }
    // staticCSP: swagger-ui's page gets a policy that allows its own scripts and nothing else.
    await docs.register(swaggerUi, {
      routePrefix: '/api/docs',
      staticCSP: true,
      transformStaticCSP: (policy) => `${policy}; frame-ancestors 'none'`,
    });
  });

  await app.register(
    async (api) => {
      await api.register(healthRoutes);
      await api.register(cyclesRoutes);
      await api.register(registrationsRoutes);
      await api.register(calendarTokenRoutes);
      await api.register(authRoutes);
      await api.register(checkInRoutes);
      await api.register(adminRoutes, { prefix: '/admin' });
      await api.register(materialsRoutes);
      await api.register(adminMaterialsRoutes, { prefix: '/admin' });
      await api.register(certificatesRoutes);
      await api.register(privacyRoutes);
      await api.register(linksRoutes);
    },
    { prefix: '/api' },
  );
  // Calendar feeds live outside /api: their addresses are what calendar apps subscribe to.
  await app.register(icalRoutes, { prefix: '/ical' });
  // The development outbox; absent in production (404 like any unknown address).
  if (!config.isProduction) {
    await app.register(devMailRoutes, { outboxDir: path.join(config.dataDir, 'mail'), mode: config.smtpUrl ? 'smtp' : 'outbox' });
  }

  await app.register(webPlugin, { enabled: opts.web ?? false });
  return app;
}
