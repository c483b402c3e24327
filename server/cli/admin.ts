// Accounts and themes from the command line, for the first day of a deployment and for lost passwords:
//   npm run admin -- create --email a@b.it --name "Anna Bianchi" --role organiser|administrator [--password ...]
//   npm run admin -- reset --email a@b.it [--password ...]
//   npm run admin -- list
//   npm run admin -- theme add <slug> --name-it "Welfare di comunità" --name-en "Community welfare" [--position n]
//   npm run admin -- theme list
// Without --password a strong one is generated and printed once (--password-stdin reads it from the
// first line of standard input instead, keeping it out of the process list); a given one must pass the
// policy of passwords.policy.ts (at least 12 characters, not a common one). `reset` also re-activates
// the account, ends its sessions and clears its failed sign-ins: it is how a lost or leaked administrator
// password is reset (ADMIN_PASSWORD only ever creates the first administrator). A cycle needs a theme and
// a production install starts with none: `theme add` makes them before the server is even started (the
// console's Temi page does the same later). It connects like `npm run db:migrate`:
// DATABASE_URL, or the embedded database under DATA_DIR (stop the server first), migrating if needed.
// What it prints is its answer to the person who typed it (the accounts, a generated password, what was
// wrong with the command): plain text on stdout and stderr, not log lines. Only a lost database
// connection, which is no answer, is logged through pino.
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../db/embedded.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import type { AccountRole, Database } from '../../db/schema.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { AppError } from '../lib/errors.ts';
import { text } from '../lib/i18n.ts';
import { processLogger } from '../lib/log.ts';
import { surviveConnectionLoss } from '../lib/pool-errors.ts';
import * as repo from '../modules/accounts/accounts.repository.ts';
import { upsertAccountWithPassword } from '../modules/accounts/accounts.service.ts';
import { generatePassword } from '../modules/accounts/passwords.ts';
import { PASSWORD_MAX, passwordWeakness } from '../modules/accounts/passwords.policy.ts';
import { CreateThemeBody } from '../modules/themes/themes.schemas.ts';
import { themesService } from '../modules/themes/themes.service.ts';

const USAGE = `usage:
  npm run admin -- create --email <address> --name <name> --role organiser|administrator [--password <pw> | --password-stdin]
  npm run admin -- reset --email <address> [--password <pw> | --password-stdin]
  npm run admin -- list
  npm run admin -- theme add <slug> --name-it <Italian name> --name-en <English name> [--position <n>]
  npm run admin -- theme list`;

class UsageError extends Error {}

const say = (line: string) => process.stdout.write(`${line}\n`);

async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

async function passwordFrom(values: { password?: string; 'password-stdin'?: boolean }, person: { email: string; name: string }) {
  const given = values['password-stdin'] ? await readStdinLine() : values.password;
  if (given === undefined) return { password: generatePassword(), generated: true };
  if (given.length > PASSWORD_MAX) throw new UsageError(`the password must be at most ${PASSWORD_MAX} characters long`);
  const weakness = await passwordWeakness(given, person);
  if (weakness) throw new UsageError(`the password ${text('en', weakness)}`);
  return { password: given, generated: false };
}

async function run(db: Kysely<Database>, argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      password: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      'name-it': { type: 'string' },
      'name-en': { type: 'string' },
      position: { type: 'string' },
    },
  });
  const command = positionals[0];
  if (command === 'theme') return theme(db, positionals.slice(1), values);
  const email = values.email?.trim().toLowerCase();
  if (command === 'list') {
    for (const a of await repo.list(db)) say(`${a.email}\t${a.role}\t${a.active ? 'active' : 'inactive'}\t${a.name}`);
    return;
  }
  if (command !== 'create' && command !== 'reset') throw new UsageError(command ? `unknown command "${command}"` : 'no command');
  if (!email || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new UsageError('--email <address> is required');

  const existing = await repo.findByEmail(db, email);
  if (command === 'create') {
    const role = values.role as AccountRole | undefined;
    if (role !== 'organiser' && role !== 'administrator') throw new UsageError('--role organiser|administrator is required');
    const name = values.name?.trim();
    if (!name) throw new UsageError('--name is required');
    if (existing) throw new UsageError(`an account for ${email} already exists (use "reset" to set its password)`);
    const { password, generated } = await passwordFrom(values, { email, name });
    await upsertAccountWithPassword(db, { email, name, role, password });
    say(`created ${role} ${email}`);
    if (generated) say(`password: ${password}`);
    return;
  }
  if (!existing) throw new UsageError(`no account for ${email} (use "create")`);
  const { password, generated } = await passwordFrom(values, { email, name: existing.name });
  await upsertAccountWithPassword(db, { email, name: existing.name, role: existing.role, password });
  say(`password reset for ${existing.role} ${email}; account active, its sessions ended`);
  if (generated) say(`password: ${password}`);
}

async function theme(db: Kysely<Database>, args: string[], values: { 'name-it'?: string; 'name-en'?: string; position?: string }) {
  const themes = themesService({ db });
  const [sub, slug, ...rest] = args;
  if (sub === 'list') {
    for (const t of await themes.list('it')) say(`${t.slug}\t${t.position}\t${t.cycles} cycles\t${t.nameIt}\t${t.nameEn}`);
    return;
  }
  if (sub !== 'add') throw new UsageError(sub ? `unknown theme command "${sub}"` : 'theme: add or list?');
  if (!slug || rest.length > 0) throw new UsageError('theme add takes one <slug>');
  const position = values.position === undefined ? undefined : /^\d+$/.test(values.position) ? Number(values.position) : NaN;
  const parsed = CreateThemeBody.safeParse({ slug, nameIt: values['name-it'], nameEn: values['name-en'], position });
  if (!parsed.success) {
    const option: Record<string, string> = { slug: '<slug>', nameIt: '--name-it', nameEn: '--name-en', position: '--position' };
    const problems = parsed.error.issues.map((i) => `${option[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`);
    throw new UsageError(problems.join('; '));
  }
  // A taken slug is the operator's to fix, like a taken address in `create`.
  const created = await themes.create(parsed.data, 'it').catch((err: unknown) => {
    throw err instanceof AppError && err.statusCode < 500 ? new UsageError(err.message) : err;
  });
  say(`created theme ${created.slug} (${created.nameIt} / ${created.nameEn}), position ${created.position}`);
}

async function main() {
  const config = loadConfig();
  const embedded = config.databaseUrl ? null : await startEmbeddedPostgres(config.dataDir);
  const pool = new pg.Pool({ connectionString: config.databaseUrl ?? embedded!.url, max: 1 });
  const log = processLogger('officina admin', config.logLevel);
  surviveConnectionLoss(pool, (message, err) => log.error(`${message}: ${err.message}`));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateToLatest(db);
    await run(db, process.argv.slice(2));
  } finally {
    await db.destroy();
    await embedded?.stop();
  }
}

main().catch((err) => {
  if (err instanceof UsageError || err instanceof ConfigError) process.stderr.write(`admin: ${err.message}\n${err instanceof UsageError ? `${USAGE}\n` : ''}`);
  else process.stderr.write(`admin: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(err instanceof UsageError ? 2 : 1);
});
