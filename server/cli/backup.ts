// npm run backup -- <file>: the database (one consistent snapshot, fine while the app runs), the
// materials and the secret key in one .tar.gz, with a manifest of the versions that made it. It reaches
// the database like the server does (see ../modules/backup/backup.connect.ts). Restore: restore.ts.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { BackupError } from '../modules/backup/backup.errors.ts';
import { backup } from '../modules/backup/backup.service.ts';

const USAGE = 'uso / usage: npm run backup -- <archivio.tar.gz>';

async function main(): Promise<number> {
  const { positionals } = parseArgs({ args: process.argv.slice(2), allowPositionals: true, options: {} });
  if (positionals.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  const manifest = await backup(loadConfig(), positionals[0]!);
  const rows = manifest.tables.reduce((n, t) => n + t.rows, 0);
  console.log(
    `backup: ${positionals[0]} — Officina ${manifest.officina}, schema ${manifest.schemaMigration}, coda/queue ${manifest.queueMigration ?? '-'}; ` +
      `${manifest.tables.length} tabelle/tables, ${rows} righe/rows, ${manifest.materials.files} file (${manifest.materials.bytes} B), ` +
      `chiave/key: ${manifest.secretKey}`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof BackupError || err instanceof ConfigError) console.error(`backup: ${err.message.replace(/\n/g, '\nbackup: ')}`);
    else console.error(`backup: errore / error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
