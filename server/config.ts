// The environment, parsed once with zod and frozen. A bad value stops start-up with one line that
// names the variable (see the "Configuration" table of ../README.md), never a stack trace.
import fs from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { processLogger } from './lib/log.ts';
import { PASSWORD_MAX, PASSWORD_MIN } from './modules/accounts/passwords.policy.ts';

const DURATION = /^(\d+)\s*(m|h|d)$/;

/** "2d" -> milliseconds. Minutes, hours and days are the only units an organiser needs. */
export function parseDuration(text: string): number | null {
  const m = DURATION.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const unit = m[2] === 'm' ? 60_000 : m[2] === 'h' ? 3_600_000 : 86_400_000;
  return n * unit;
}

const flag = z.enum(['0', '1', 'true', 'false', 'yes', 'no']).transform((v) => v === '1' || v === 'true' || v === 'yes');

const TRUSTED_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
function isAddressOrRange(text: string): boolean {
  const [addr, bits, extra] = text.split('/');
  if (extra !== undefined || !addr || isIP(addr) === 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d+$/.test(bits) && n >= 0 && n <= (isIP(addr) === 4 ? 32 : 128);
}

const isValidTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Officina <no-reply@localhost>'),
  // The programme's contact: whom participants of a cycle without a contact of its own write to.
  CONTACT_NAME: z.string().trim().min(1).max(200).optional(),
  CONTACT_EMAIL: z.email().optional(),
  CONTACT_PHONE: z.string().trim().min(3).max(40).optional(),
  ADMIN_EMAIL: z.email().optional(),
  // The length rule of every organiser password; whether it is too common is checked when it creates
  // the account (ensureBootstrapAdministrator), the only time it is used.
  ADMIN_PASSWORD: z
    .string()
    .min(PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`)
    .max(PASSWORD_MAX, `must be at most ${PASSWORD_MAX} characters`)
    .optional(),
  REMINDER_OFFSETS: z
    .string()
    .default('2d,2h')
    .transform((text, ctx) => {
      const parts = text
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
      const out: number[] = [];
      for (const p of parts) {
        const ms = parseDuration(p);
        if (ms === null || ms <= 0) {
          ctx.addIssue({ code: 'custom', message: `"${p}" is not a duration like 2d, 2h or 30m` });
          return z.NEVER;
        }
        out.push(ms);
      }
      return out.sort((a, b) => b - a);
    }),
  APP_TIMEZONE: z.string().default('Europe/Rome').refine(isValidTimeZone, 'is not a known IANA time zone'),
  DEMO_DATA: flag.optional(),
  SERVE_WEB: flag.optional(),
  SECRET_KEY: z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -base64 32)').optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(500).default(10),
  // Mail worker: MAIL_WORKER=0 when a separate `npm run worker` process sends the mail.
  MAIL_WORKER: flag.optional(),
  // Defaults measured with tests/bench/mail.bench.ts on 2 cores.
  MAIL_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(16),
  MAIL_SMTP_CONNECTIONS: z.coerce.number().int().min(1).max(50).default(8),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Personal data of a cycle are anonymised this many months after its last meeting.
  RETENTION_MONTHS: z.coerce.number().int().min(1).max(240).default(24),
  // The body that issues certificates of attendance, as the PDF and /verifica name it (see certificateIssuer).
  CERTIFICATE_ISSUER_NAME: z.string().trim().min(1).max(200).optional(),
  CERTIFICATE_ISSUER_LOGOS: z.string().optional(),
  CERTIFICATE_SIGNATORY_NAME: z.string().trim().min(1).max(200).optional(),
  CERTIFICATE_SIGNATORY_ROLE: z.string().trim().min(1).max(200).optional(),
  CERTIFICATE_FUNDING_LINE: z.string().trim().min(1).max(400).optional(),
  // The minimal record that lets anyone verify a certificate outlives RETENTION_MONTHS (checked below):
  // a certificate is shown to employers and professional orders for years. Ten years by default.
  CERTIFICATE_VERIFICATION_RETENTION_MONTHS: z.coerce.number().int().min(1).max(1200).default(120),
  // Largest material an organiser may upload, in MB (the limit is enforced while the upload streams).
  MAX_UPLOAD_MB: z.coerce.number().int().min(1).max(10_240).default(50),
  // Development mode on a public address is refused unless this says it is meant (a shared test box).
  ALLOW_DEVELOPMENT_MODE: flag.optional(),
  // The OpenAPI reference (/api/docs) is for administrators in production unless this makes it public.
  API_DOCS_PUBLIC: flag.optional(),
  // An organiser's sign-in ends after this many minutes without a request (OWASP ASVS 3.3.2 at level 2:
  // 30 minutes, as NIST SP 800-63B asks of AAL2). The roster page keeps a sign-in in use alive with a
  // request every 5 minutes while the organiser works (SignInKeepAlive.svelte), hence the floor of 10;
  // 12 h after sign-in it ends anyway.
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(10).max(720).default(30),
  // Public sign-ups (and, separately, cancellations) one client address may make per 10 minutes. Generous:
  // a municipal office behind one NAT signs up its staff; a bot on one address can't fill a cycle.
  SIGNUP_LIMIT_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(60),
  // Sign-ups waiting for their turn (all cycles, per process) and the longest one waits, before a 503:
  // sized for the crowd of a popular opening (thousands within seconds, ~500 decided per transaction).
  SIGNUP_QUEUE_MAX: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  SIGNUP_QUEUE_WAIT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  // Reverse proxies whose X-Forwarded-For is believed: addresses, CIDR ranges or the names loopback,
  // linklocal, uniquelocal. Unset: nobody's, so a client can't pick the address the throttles count.
  TRUST_PROXY: z
    .string()
    .transform((text, ctx) => {
      const parts = text
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
      for (const p of parts) {
        if (!TRUSTED_NAMES.has(p) && !isAddressOrRange(p)) {
          ctx.addIssue({ code: 'custom', message: `"${p}" is not an address, a CIDR range or one of loopback, linklocal, uniquelocal` });
          return z.NEVER;
        }
      }
      return parts;
    })
    .optional(),
});

/** Every variable the schema reads: .env.example and the README's table must name each (tests/unit/config.documented.test.ts). */
export const CONFIG_VARIABLES: readonly string[] = Object.freeze(Object.keys(schema.shape));

export type Config = Readonly<{
  nodeEnv: 'development' | 'production' | 'test';
  isProduction: boolean;
  port: number;
  host: string;
  publicUrl: string;
  databaseUrl: string | undefined;
  dataDir: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  /** CONTACT_NAME, CONTACT_EMAIL, CONTACT_PHONE: the contact of cycles that name none; null when unset. */
  programmeContact: Readonly<{ name: string; email: string; phone: string | null }> | null;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  reminderOffsetsMs: readonly number[];
  timezone: string;
  demoData: boolean;
  /** SERVE_WEB=0: the API only, no pages (API-only deployments; process tests on an unbuilt checkout). */
  serveWeb: boolean;
  logLevel: string;
  /** Key the link tokens are derived from; unset: server.ts keeps one in DATA_DIR/secret.key. */
  secretKey: string | undefined;
  databasePoolMax: number;
  /** Run the job runner (mail and every other background job) inside the server process (default); off when `npm run worker` runs it. */
  mailWorker: boolean;
  /** Mail jobs sent at once by one worker process. */
  mailConcurrency: number;
  /** Pooled SMTP connections of one worker process. */
  mailSmtpConnections: number;
  /** Version of the privacy notice a person accepts when signing up; stored with each consent. */
  privacyVersion: string;
  /** Months after a cycle's last meeting when its participants' personal data are anonymised. */
  retentionMonths: number;
  /** CERTIFICATE_VERIFICATION_RETENTION_MONTHS: months after a certificate's last meeting its verification record is kept. */
  certificateVerificationMonths: number;
  /** CERTIFICATE_*: who issues and signs the certificates; the demo's in development when none is set. */
  certificateIssuer: CertificateIssuer;
  /** Largest material upload, in bytes (MAX_UPLOAD_MB). */
  maxUploadBytes: number;
  /** SIGNUP_QUEUE_MAX: sign-ups waiting for their turn in this process before new ones get a 503. */
  signupQueueMax: number;
  /** SIGNUP_QUEUE_WAIT_MS: the longest a sign-up waits for its turn before a 503 (never written). */
  signupQueueWaitMs: number;
  /** TRUST_PROXY: proxies whose X-Forwarded-For Fastify believes; empty: none. */
  trustProxy: readonly string[];
  /** API_DOCS_PUBLIC: /api/docs without signing in, in production too. */
  apiDocsPublic: boolean;
  /** SESSION_IDLE_MINUTES in milliseconds: an organiser's session ends after this long without a request. */
  sessionIdleMs: number;
  /** SIGNUP_LIMIT_PER_ADDRESS: public sign-ups (and cancellations) per client address per 10 minutes. */
  signupLimitPerAddress: number;
}>;

export class ConfigError extends Error {}

export type CertificateIssuer = Readonly<{
  /** Null: no body is named (production without CERTIFICATE_ISSUER_NAME). */
  name: string | null;
  /** PNG or JPEG images, read at start-up, shown side by side at the top of the PDF. */
  logos: readonly Buffer[];
  signatory: Readonly<{ name: string; role: string | null }> | null;
  /** A line the funder asks for, e.g. the FAMI co-funding statement, in the PDF's footer. */
  fundingLine: string | null;
}>;

const MAX_LOGOS = 4;
const DEMO_LOGO = fileURLToPath(new URL('../db/seeds/demo-issuer-logo.png', import.meta.url));

/** What the demo (NODE_ENV=development) shows when nothing is configured: the model programme's body. */
const DEMO_ISSUER = {
  CERTIFICATE_ISSUER_NAME: 'ANCI Lombardia',
  CERTIFICATE_ISSUER_LOGOS: DEMO_LOGO,
  CERTIFICATE_SIGNATORY_NAME: 'Maria Bianchi',
  CERTIFICATE_SIGNATORY_ROLE: "Responsabile del programma Lab'Impact",
  CERTIFICATE_FUNDING_LINE:
    "Progetto cofinanziato dall'Unione Europea, Fondo Asilo, Migrazione e Integrazione 2014-2020 (FAMI), Piano di Intervento Regionale Lab'IMPACT di Regione Lombardia",
};

/** A logo file read now, so a wrong path stops start-up instead of breaking the first certificate. */
function readLogo(file: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(path.resolve(file));
  } catch (err) {
    throw new ConfigError(`Invalid configuration: CERTIFICATE_ISSUER_LOGOS: can't read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const png = bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if (!png && !jpeg) throw new ConfigError(`Invalid configuration: CERTIFICATE_ISSUER_LOGOS: ${file} is not a PNG or JPEG image`);
  return bytes;
}

function certificateIssuer(e: z.infer<typeof schema>, development: boolean): CertificateIssuer {
  // The demo's issuer only when none of its variables is set: a half-configured issuer is shown as set.
  const c = development && Object.keys(DEMO_ISSUER).every((k) => e[k as keyof typeof DEMO_ISSUER] === undefined) ? { ...e, ...DEMO_ISSUER } : e;
  if (c.CERTIFICATE_SIGNATORY_ROLE && !c.CERTIFICATE_SIGNATORY_NAME) {
    throw new ConfigError('Invalid configuration: CERTIFICATE_SIGNATORY_ROLE needs CERTIFICATE_SIGNATORY_NAME');
  }
  const files = (c.CERTIFICATE_ISSUER_LOGOS ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  if (files.length > MAX_LOGOS) throw new ConfigError(`Invalid configuration: CERTIFICATE_ISSUER_LOGOS: at most ${MAX_LOGOS} files`);
  return Object.freeze({
    name: c.CERTIFICATE_ISSUER_NAME ?? null,
    logos: Object.freeze(files.map(readLogo)),
    signatory: c.CERTIFICATE_SIGNATORY_NAME ? Object.freeze({ name: c.CERTIFICATE_SIGNATORY_NAME, role: c.CERTIFICATE_SIGNATORY_ROLE ?? null }) : null,
    fundingLine: c.CERTIFICATE_FUNDING_LINE ?? null,
  });
}

/** http on localhost, 127.0.0.0/8 or [::1]: the only addresses where development mode is allowed by default. */
export function isLocalDemoUrl(url: string): boolean {
  const u = new URL(url);
  if (u.protocol !== 'http:') return false;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * What a process that serves people (the server, the standalone worker) cannot run with in production,
 * though the commands (admin, backup, migrate) can: these used to start silently into a dead end.
 * Without PUBLIC_URL every link in mail and calendars pointed at localhost; over plain http elsewhere
 * than this machine browsers drop the Secure sign-in cookie, so nobody could sign in and nothing said why.
 */
function servingProblem(e: { PUBLIC_URL?: string; PORT: number }): string | null {
  if (!e.PUBLIC_URL) {
    return 'PUBLIC_URL: required in production: the address people open, e.g. https://formazione.comune.example.it (every link in mail and calendars is built from it)';
  }
  if (new URL(e.PUBLIC_URL).protocol === 'http:' && !isLocalDemoUrl(e.PUBLIC_URL)) {
    return `PUBLIC_URL: production needs https (${e.PUBLIC_URL}): browsers drop the Secure sign-in cookie over plain http, so nobody could sign in; serve Officina behind HTTPS (README "Deploying"), or try it on this machine at http://localhost:${e.PORT}`;
  }
  return null;
}

/**
 * Parses an environment (process.env by default). Throws ConfigError with one line per bad variable.
 * `serving`: for the processes that serve people, which production holds to more (servingProblem).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, opts: { serving?: boolean } = {}): Config {
  // Empty strings are treated as unset: `FOO= npm start` should mean "default", not "invalid".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration: ${lines.join('; ')}`);
  }
  const e = parsed.data;
  if ((e.ADMIN_EMAIL && !e.ADMIN_PASSWORD) || (!e.ADMIN_EMAIL && e.ADMIN_PASSWORD)) {
    throw new ConfigError('Invalid configuration: ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  }
  if (!e.CONTACT_NAME !== !e.CONTACT_EMAIL || (e.CONTACT_PHONE && !e.CONTACT_EMAIL)) {
    throw new ConfigError('Invalid configuration: CONTACT_NAME and CONTACT_EMAIL must be set together (CONTACT_PHONE only beside them)');
  }
  if (e.CERTIFICATE_VERIFICATION_RETENTION_MONTHS <= e.RETENTION_MONTHS) {
    throw new ConfigError(
      `Invalid configuration: CERTIFICATE_VERIFICATION_RETENTION_MONTHS (${e.CERTIFICATE_VERIFICATION_RETENTION_MONTHS}) must be longer than RETENTION_MONTHS (${e.RETENTION_MONTHS}): certificates must still verify once the rest is anonymised`,
    );
  }
  const isProduction = e.NODE_ENV === 'production';
  const issuer = certificateIssuer(e, e.NODE_ENV === 'development');
  const problem = isProduction && opts.serving ? servingProblem(e) : null;
  if (problem) throw new ConfigError(`Invalid configuration: ${problem}`);
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  // A deployment that forgot NODE_ENV would run the demo: demo data, /dev/mail with every message and
  // link, cookies without Secure. The friendly demo is for a machine's own loopback address; anything
  // reachable from elsewhere (https, or a host that isn't loopback) must say production, or opt out.
  if (!isProduction && !e.ALLOW_DEVELOPMENT_MODE && !isLocalDemoUrl(publicUrl)) {
    throw new ConfigError(
      `Invalid configuration: NODE_ENV: development mode is refused for PUBLIC_URL ${publicUrl} (demo data, /dev/mail, cookies without Secure); set NODE_ENV=production, or ALLOW_DEVELOPMENT_MODE=1 on a test machine`,
    );
  }
  return Object.freeze({
    nodeEnv: e.NODE_ENV,
    isProduction,
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.DATA_DIR),
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    programmeContact:
      e.CONTACT_NAME && e.CONTACT_EMAIL ? Object.freeze({ name: e.CONTACT_NAME, email: e.CONTACT_EMAIL, phone: e.CONTACT_PHONE ?? null }) : null,
    adminEmail: e.ADMIN_EMAIL,
    adminPassword: e.ADMIN_PASSWORD,
    reminderOffsetsMs: Object.freeze(e.REMINDER_OFFSETS),
    timezone: e.APP_TIMEZONE,
    demoData: e.DEMO_DATA ?? !isProduction,
    serveWeb: e.SERVE_WEB ?? true,
    logLevel: e.LOG_LEVEL,
    secretKey: e.SECRET_KEY,
    databasePoolMax: e.DATABASE_POOL_MAX,
    mailWorker: e.MAIL_WORKER ?? true,
    mailConcurrency: e.MAIL_CONCURRENCY,
    mailSmtpConnections: e.MAIL_SMTP_CONNECTIONS,
    privacyVersion: '2026-12-04',
    retentionMonths: e.RETENTION_MONTHS,
    certificateVerificationMonths: e.CERTIFICATE_VERIFICATION_RETENTION_MONTHS,
    certificateIssuer: issuer,
    maxUploadBytes: e.MAX_UPLOAD_MB * 1024 * 1024,
    signupQueueMax: e.SIGNUP_QUEUE_MAX,
    signupQueueWaitMs: e.SIGNUP_QUEUE_WAIT_MS,
    trustProxy: Object.freeze(e.TRUST_PROXY ?? []),
    apiDocsPublic: e.API_DOCS_PUBLIC ?? !isProduction,
    sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
    signupLimitPerAddress: e.SIGNUP_LIMIT_PER_ADDRESS,
  });
}

/** For entry points: the config, or one line naming the bad variable and exit code 1. */
/** The config of a process that serves people (server.ts, worker.ts); a bad one ends it with one line. */
export function loadConfigOrExit(who: string): Config {
  try {
    return loadConfig(process.env, { serving: true });
  } catch (err) {
    if (err instanceof ConfigError) {
      processLogger(who).fatal(err.message);
      process.exit(1);
    }
    throw err;
  }
}
