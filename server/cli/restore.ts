// npm run restore -- <file> [--force]: puts an archive of `npm run backup` back — the database, the
// materials and the secret key. Run it with the app stopped. It refuses an archive whose schema is newer
// than this code, and a database that already holds rows unless --force (which replaces everything).
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { text } from '../lib/i18n.ts';
import { BackupError } from '../modules/backup/backup.errors.ts';
import { restore } from '../modules/backup/backup.service.ts';

const USAGE = 'uso / usage: npm run restore -- <archivio.tar.gz> [--force]';

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: { force: { type: 'boolean' } },
  });
  if (positionals.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  const { manifest, notes } = await restore(loadConfig(), positionals[0]!, { force: values.force === true });
  const rows = manifest.tables.reduce((n, t) => n + t.rows, 0);
  console.log(
    `restore: ${positionals[0]} (Officina ${manifest.officina}, ${manifest.createdAt}) — ${manifest.tables.length} tabelle/tables, ` +
      `${rows} righe/rows, ${manifest.materials.files} file, chiave/key: ${manifest.secretKey}`,
  );
  for (const note of notes) console.log(`restore: ${text('it', note)}\nrestore: ${text('en', note)}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof BackupError || err instanceof ConfigError) console.error(`restore: ${err.message.replace(/\n/g, '\nrestore: ')}`);
    else console.error(`restore: errore / error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
