// Builds the real app (real plugins, real routes) on a fresh test database.
import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildOptions } from '../../server/app.ts';
import { loadConfig, type Config } from '../../server/config.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export interface TestApp {
  app: FastifyInstance;
  database: TestDatabase;
  config: Config;
  close(): Promise<void>;
}

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    PUBLIC_URL: 'http://officina.test',
    DATA_DIR: '/tmp/officina-test-data',
    LOG_LEVEL: 'silent',
    DEMO_DATA: '0',
    SECRET_KEY: 'test-secret-key-test-secret-key-0123456789',
    // PUBLIC_URL above is not a loopback address: say that test mode there is meant.
    ALLOW_DEVELOPMENT_MODE: '1',
    ...env,
  });
}

export async function buildTestApp(
  options: Partial<Omit<BuildOptions, 'config' | 'databaseUrl'>> & { env?: Record<string, string>; database?: TestDatabase } = {},
): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const config = testConfig(options.env);
  const { env: _env, database: _db, ...rest } = options;
  const app = await buildApp({ config, databaseUrl: database.url, logger: false, ...rest });
  await app.ready();
  return {
    app,
    database,
    config,
    async close() {
      await app.close();
      if (!options.database) await database.drop();
    },
  };
}
