// A production install that would start into a dead end is stopped at start with one line saying what
// to set (issue 13, first production day): without PUBLIC_URL every link in mail and calendars pointed
// at localhost; over plain http elsewhere than this machine browsers drop the Secure sign-in cookie and
// sign-in failed with no message. The commands (admin, backup, migrate) still run with such a config.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { refusedStart } from '../helpers/server-process.ts';

const serving = (env: NodeJS.ProcessEnv) => () => loadConfig(env, { serving: true });

describe('a serving process in production', () => {
  it('needs PUBLIC_URL', () => {
    expect(serving({ NODE_ENV: 'production' })).toThrow(/^Invalid configuration: PUBLIC_URL: required in production/);
  });

  it('needs https unless the address is this machine', () => {
    for (const url of ['http://formazione.comune.example.it', 'http://192.168.1.20:3000', 'http://officina']) {
      expect(serving({ NODE_ENV: 'production', PUBLIC_URL: url })).toThrow(/PUBLIC_URL: production needs https .*nobody could sign in/);
    }
    for (const url of ['https://formazione.comune.example.it', 'http://localhost:3000', 'http://127.0.0.1:8080', 'http://[::1]:3000']) {
      expect(serving({ NODE_ENV: 'production', PUBLIC_URL: url })().publicUrl).toBe(url);
    }
  });

  it('is not asked of the commands, nor outside production', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).isProduction).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'http://officina.test' }).isProduction).toBe(true);
    expect(serving({ NODE_ENV: 'development' })().publicUrl).toBe('http://localhost:3000');
  });

  it.each([
    ['no PUBLIC_URL', {}, /PUBLIC_URL: required in production/],
    ['plain http on a network address', { PUBLIC_URL: 'http://formazione.comune.example.it' }, /PUBLIC_URL: production needs https/],
  ])(
    'stops the real server before it starts anything, with one line: %s',
    async (_, env, message) => {
      const { code, stderrLines, output } = await refusedStart({ NODE_ENV: 'production', DATA_DIR: '/tmp/officina-production-refused', ...env });
      expect(code).toBe(1);
      expect(stderrLines).toHaveLength(1);
      expect(stderrLines[0]).toMatch(message);
      expect(output).not.toMatch(/PostgreSQL|ready on/);
    },
    60_000,
  );
});
