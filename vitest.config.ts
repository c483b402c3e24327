import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'tests/unit/**/*.test.ts',
      'tests/integration/**/*.test.ts',
      'tests/e2e/**/*.test.ts',
      'tests/security/**/*.test.ts',
      'tests/faults/**/*.test.ts',
    ],
    // One real PostgreSQL for the whole run; each test file gets its own database in it.
    globalSetup: ['tests/helpers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores: more workers only fight over the CPU that PostgreSQL also needs.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
