// Builds the Fastify app: external plugins, then app plugins, then routes. No listening, no process
// concerns: server.ts and the tests both call buildApp().
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Config } from './config.ts';
import { cyclesService, type CyclesService } from './modules/cycles/cycles.service.ts';
import { registrationsService, type RegistrationsService } from './modules/registrations/registrations.service.ts';
import dbPlugin from './plugins/db.plugin.ts';
import errorsPlugin from './plugins/errors.plugin.ts';
import { tokenKit } from './lib/tokens.ts';
import webPlugin from './plugins/web.plugin.ts';
import cyclesRoutes from './routes/cycles.routes.ts';
import healthRoutes from './routes/health.routes.ts';
import registrationsRoutes from './routes/registrations.routes.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    services: {
      cycles: CyclesService;
      registrations: RegistrationsService;
    };
  }
}

export interface BuildOptions {
  config: Config;
  /** The database to use (DATABASE_URL, or the embedded one server.ts started). */
  databaseUrl: string;
  /** Secret the link tokens derive from (config.secretKey when not given). */
  secretKey?: string;
  logger?: boolean | object;
  /** Serve the SvelteKit pages (needs `npm run build`). Off in API-only tests. */
  web?: boolean;
  /** Test seams: a fixed clock, and the unlocked registration path used to prove the lock matters. */
  clock?: () => Date;
  unsafeSkipLock?: boolean;
}

export async function buildApp(opts: BuildOptions): Promise<FastifyInstance> {
  const { config } = opts;
  const app = Fastify({
    logger: opts.logger ?? { level: config.logLevel },
    // Behind a reverse proxy in production; X-Forwarded-* is trusted only from loopback.
    trustProxy: '127.0.0.1',
    bodyLimit: 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('config', config);

  // An empty JSON body (a bare POST to /cancel sent with Content-Type: application/json) is "no body",
  // not a parse error; the route schema then decides whether a body was required.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      const err = Object.assign(new Error('invalid JSON body'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
      done(err, undefined);
    }
  });

  await app.register(errorsPlugin);
  await app.register(dbPlugin, { connectionString: opts.databaseUrl, poolMax: config.databasePoolMax });

  app.decorate('services', {
    cycles: cyclesService(app.db, opts.clock),
    registrations: registrationsService({
      db: app.db,
      publicUrl: config.publicUrl,
      privacyVersion: config.privacyVersion,
      tokens: tokenKit(Buffer.from(opts.secretKey ?? config.secretKey ?? '', 'utf8')),
      clock: opts.clock,
      unsafeSkipLock: opts.unsafeSkipLock,
    }),
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Officina API', version: '0.1.0', description: 'Registrations, attendance, calendars and materials.' },
      servers: [{ url: config.publicUrl }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  await app.register(
    async (api) => {
      await api.register(healthRoutes);
      await api.register(cyclesRoutes);
      await api.register(registrationsRoutes);
    },
    { prefix: '/api' },
  );

  await app.register(webPlugin, { enabled: opts.web ?? false });
  return app;
}
