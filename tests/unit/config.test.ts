// server/config.ts against the README's "Configuration" table: the defaults, and one clear line naming the
// variable for every bad value, both from loadConfig() and from the real server process.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseDuration } from '../../server/config.ts';
import { cleanEnv, ROOT } from '../helpers/server-process.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('defaults (README, Configuration)', () => {
  const c = loadConfig({});

  it('match the table', () => {
    expect(c.port).toBe(3000);
    expect(c.host).toBe('127.0.0.1');
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(c.databaseUrl).toBeUndefined();
    expect(c.dataDir).toBe(path.resolve('./data'));
    expect(path.isAbsolute(c.dataDir)).toBe(true);
    expect(c.smtpUrl).toBeUndefined();
    expect(c.mailFrom).toBe('Officina <no-reply@localhost>');
    expect(c.adminEmail).toBeUndefined();
    expect(c.adminPassword).toBeUndefined();
    expect(c.reminderOffsetsMs).toEqual([2 * DAY, 2 * HOUR]);
    expect(c.timezone).toBe('Europe/Rome');
    expect(c.nodeEnv).toBe('development');
    expect(c.isProduction).toBe(false);
    expect(c.demoData).toBe(true);
    expect(c.secretKey).toBeUndefined();
    expect(c.serveWeb).toBe(true);
    expect(loadConfig({ SERVE_WEB: '0' }).serveWeb).toBe(false);
    expect(c.signupLimitPerAddress).toBe(60);
    expect(loadConfig({ SIGNUP_LIMIT_PER_ADDRESS: '200' }).signupLimitPerAddress).toBe(200);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.reminderOffsetsMs)).toBe(true);
  });

  it('PUBLIC_URL follows PORT when unset, and loses a trailing slash when set', () => {
    expect(loadConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://formazione.comune.example.it/' }).publicUrl).toBe('https://formazione.comune.example.it');
    expect(loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://example.it/officina//' }).publicUrl).toBe('https://example.it/officina');
  });

  it('DEMO_DATA: on outside production, off in production, and an explicit value wins', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).demoData).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production' }).demoData).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production' }).isProduction).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production', DEMO_DATA: '1' }).demoData).toBe(true);
    expect(loadConfig({ DEMO_DATA: '0' }).demoData).toBe(false);
    expect(loadConfig({ DEMO_DATA: 'false' }).demoData).toBe(false);
    expect(loadConfig({ DEMO_DATA: 'yes' }).demoData).toBe(true);
  });

  it('an empty variable counts as unset', () => {
    const e = loadConfig({ PORT: '', DATABASE_URL: '', REMINDER_OFFSETS: '', APP_TIMEZONE: '' });
    expect(e.port).toBe(3000);
    expect(e.databaseUrl).toBeUndefined();
    expect(e.reminderOffsetsMs).toEqual([2 * DAY, 2 * HOUR]);
    expect(e.timezone).toBe('Europe/Rome');
  });

  it('reads good values', () => {
    const e = loadConfig({
      PORT: '8081',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgresql://officina:pw@db.internal:5432/officina',
      DATA_DIR: '/var/lib/officina',
      SMTP_URL: 'smtps://user:pass@smtp.example.it:465',
      MAIL_FROM: 'Formazione <formazione@comune.example.it>',
      ADMIN_EMAIL: 'admin@comune.example.it',
      ADMIN_PASSWORD: 'una-password-lunga',
      REMINDER_OFFSETS: '30m, 1d,3h',
      APP_TIMEZONE: 'America/New_York',
      SECRET_KEY: 'x'.repeat(32),
    });
    expect(e).toMatchObject({
      port: 8081,
      host: '0.0.0.0',
      databaseUrl: 'postgresql://officina:pw@db.internal:5432/officina',
      dataDir: '/var/lib/officina',
      smtpUrl: 'smtps://user:pass@smtp.example.it:465',
      adminEmail: 'admin@comune.example.it',
      timezone: 'America/New_York',
    });
    // Longest first, whatever the order given.
    expect(e.reminderOffsetsMs).toEqual([DAY, 3 * HOUR, 30 * 60_000]);
  });

  it('parseDuration understands minutes, hours and days only', () => {
    expect(parseDuration('2d')).toBe(2 * DAY);
    expect(parseDuration(' 2h ')).toBe(2 * HOUR);
    expect(parseDuration('45m')).toBe(45 * 60_000);
    expect(parseDuration('2 h')).toBe(2 * HOUR);
    for (const bad of ['2x', '2', 'h', '-2h', '1.5h', '2s', '2w', '']) expect(parseDuration(bad)).toBeNull();
  });
});

describe('the certificates’ issuer', () => {
  it('the demo (development) names the model programme’s body, its logo, a signatory and the FAMI line; elsewhere nothing unless set', () => {
    const demo = loadConfig({}).certificateIssuer;
    expect(demo.name).toBe('ANCI Lombardia');
    expect(demo.logos).toHaveLength(1);
    expect(demo.signatory?.name).toBeTruthy();
    expect(demo.fundingLine).toContain('FAMI');
    expect(loadConfig({ NODE_ENV: 'test' }).certificateIssuer).toEqual({ name: null, logos: [], signatory: null, fundingLine: null });
    expect(loadConfig({}).certificateVerificationMonths).toBe(120);
  });

  it('reads the body, its logos (side by side, in order), the signatory and the funding line', () => {
    const logo = path.join(ROOT, 'db/seeds/demo-issuer-logo.png');
    const c = loadConfig({
      NODE_ENV: 'test',
      CERTIFICATE_ISSUER_NAME: 'Comune di Bergamo',
      CERTIFICATE_ISSUER_LOGOS: `${logo}, ${logo}`,
      CERTIFICATE_SIGNATORY_NAME: 'Anna Verdi',
      CERTIFICATE_SIGNATORY_ROLE: 'Dirigente',
      CERTIFICATE_FUNDING_LINE: 'Cofinanziato dal FAMI',
    }).certificateIssuer;
    expect(c).toMatchObject({ name: 'Comune di Bergamo', signatory: { name: 'Anna Verdi', role: 'Dirigente' }, fundingLine: 'Cofinanziato dal FAMI' });
    expect(c.logos).toHaveLength(2);
    expect(c.logos[0]!.subarray(1, 4).toString('latin1')).toBe('PNG');
  });
});

describe('a bad value throws ConfigError with one line naming the variable', () => {
  const cases: [string, Record<string, string>, string[]][] = [
    ['PORT=abc', { PORT: 'abc' }, ['PORT']],
    ['PORT=70000', { PORT: '70000' }, ['PORT']],
    ['PORT=-1', { PORT: '-1' }, ['PORT']],
    ['PORT=80.5', { PORT: '80.5' }, ['PORT']],
    ['PUBLIC_URL=notaurl', { PUBLIC_URL: 'notaurl' }, ['PUBLIC_URL']],
    ['PUBLIC_URL=ftp://', { PUBLIC_URL: 'ftp://files.example.it' }, ['PUBLIC_URL']],
    ['DATABASE_URL=mysql://', { DATABASE_URL: 'mysql://root@localhost/officina' }, ['DATABASE_URL']],
    ['DATABASE_URL=localhost', { DATABASE_URL: 'localhost:5432' }, ['DATABASE_URL']],
    ['SMTP_URL=http://', { SMTP_URL: 'http://smtp.example.it' }, ['SMTP_URL']],
    ['REMINDER_OFFSETS=2x', { REMINDER_OFFSETS: '2x' }, ['REMINDER_OFFSETS']],
    ['REMINDER_OFFSETS=2d,0h', { REMINDER_OFFSETS: '2d,0h' }, ['REMINDER_OFFSETS']],
    ['APP_TIMEZONE=Mars/Base', { APP_TIMEZONE: 'Mars/Base' }, ['APP_TIMEZONE']],
    ['ADMIN_EMAIL without ADMIN_PASSWORD', { ADMIN_EMAIL: 'admin@comune.example.it' }, ['ADMIN_EMAIL', 'ADMIN_PASSWORD']],
    ['ADMIN_PASSWORD without ADMIN_EMAIL', { ADMIN_PASSWORD: 'una-password-lunga' }, ['ADMIN_EMAIL', 'ADMIN_PASSWORD']],
    ['ADMIN_EMAIL not an address', { ADMIN_EMAIL: 'admin', ADMIN_PASSWORD: 'una-password-lunga' }, ['ADMIN_EMAIL']],
    ['ADMIN_PASSWORD too short', { ADMIN_EMAIL: 'admin@comune.example.it', ADMIN_PASSWORD: 'corta' }, ['ADMIN_PASSWORD']],
    ['DEMO_DATA=maybe', { DEMO_DATA: 'maybe' }, ['DEMO_DATA']],
    ['NODE_ENV=staging', { NODE_ENV: 'staging' }, ['NODE_ENV']],
    ['SECRET_KEY too short', { SECRET_KEY: 'short' }, ['SECRET_KEY']],
    ['SERVE_WEB=off', { SERVE_WEB: 'off' }, ['SERVE_WEB']],
    ['SIGNUP_LIMIT_PER_ADDRESS=0', { SIGNUP_LIMIT_PER_ADDRESS: '0' }, ['SIGNUP_LIMIT_PER_ADDRESS']],
    ['two bad values at once', { PORT: 'abc', APP_TIMEZONE: 'Mars/Base' }, ['PORT', 'APP_TIMEZONE']],
    ['CERTIFICATE_ISSUER_LOGOS: a missing file', { CERTIFICATE_ISSUER_LOGOS: '/nonexistent/logo.png' }, ['CERTIFICATE_ISSUER_LOGOS', '/nonexistent/logo.png']],
    ['CERTIFICATE_ISSUER_LOGOS: not an image', { CERTIFICATE_ISSUER_LOGOS: 'package.json' }, ['CERTIFICATE_ISSUER_LOGOS', 'package.json', 'PNG or JPEG']],
    ['CERTIFICATE_SIGNATORY_ROLE without a name', { CERTIFICATE_SIGNATORY_ROLE: 'Direttrice' }, ['CERTIFICATE_SIGNATORY_NAME']],
    [
      'CERTIFICATE_VERIFICATION_RETENTION_MONTHS not longer than RETENTION_MONTHS',
      { CERTIFICATE_VERIFICATION_RETENTION_MONTHS: '24' },
      ['CERTIFICATE_VERIFICATION_RETENTION_MONTHS', 'RETENTION_MONTHS'],
    ],
  ];
  for (const [label, env, names] of cases) {
    it(label, () => {
      let caught: unknown;
      try {
        loadConfig(env);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      const message = (caught as Error).message;
      expect(message).not.toMatch(/[\r\n]/);
      for (const name of names) expect(message).toContain(name);
      // A value that was fine is not blamed.
      expect(message).not.toContain('HOST');
    });
  }
});

describe('the server process with a bad value', () => {
  it('PORT=abc: exits with code 1 after printing one log line (JSON, on stderr) that names PORT', async () => {
    const child = spawn(process.execPath, ['server/server.ts'], {
      cwd: ROOT,
      env: cleanEnv({ PORT: 'abc', DATA_DIR: '/nonexistent/officina-config-test', DEMO_DATA: '0' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as { level: number; name: string; msg: string };
    expect(line).toMatchObject({ level: 60, name: 'officina' });
    expect(line.msg).toMatch(/^Invalid configuration: PORT: /);
  });
});
