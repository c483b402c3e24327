// The database part of a backup: every table of our schema (public) and of the mail queue's
// (graphile_worker), each as one file in COPY's text format, read in ONE repeatable-read, read-only
// transaction so that all tables show the same instant while the app keeps writing; and the way back.
// No table is named here: a table added by a future migration (a blob table for materials, say) is
// dumped and restored like the others. pg_dump is not used because the embedded PostgreSQL ships none
// and an older client (Debian's 15) refuses a newer server (18); COPY through pg-copy-streams needs
// nothing but the connection the app already has. Also every other statement of backup and restore.
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

const SCHEMAS = ['public', 'graphile_worker'] as const;

export interface TableDump {
  schema: string;
  name: string;
  /** The columns in the file's order (generated columns excluded: the database computes them). */
  columns: string[];
  rows: number;
  /** Path inside the archive. */
  file: string;
}

export interface SequenceValue {
  schema: string;
  name: string;
  lastValue: string;
  isCalled: boolean;
}

export interface DatabaseDump {
  tables: TableDump[];
  sequences: SequenceValue[];
  /** Last applied Kysely migration (our schema version), null on a never-migrated database. */
  schemaMigration: string | null;
  /** Last applied graphile-worker migration, null when the queue's schema is not there. */
  queueMigration: number | null;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const qualified = (schema: string, name: string) => `${ident(schema)}.${ident(name)}`;

async function listTables(client: pg.ClientBase | pg.Pool): Promise<{ schema: string; name: string; columns: string[] }[]> {
  const { rows } = await client.query<{ schema: string; name: string; columns: string[] }>(
    `SELECT n.nspname AS schema, c.relname AS name,
            array_agg(a.attname::text ORDER BY a.attnum) AS columns
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
      WHERE c.relkind = 'r' AND n.nspname = ANY($1)
      GROUP BY n.nspname, c.relname
      ORDER BY n.nspname, c.relname`,
    [SCHEMAS],
  );
  return rows;
}

async function listSequences(client: pg.ClientBase): Promise<{ schema: string; name: string }[]> {
  const { rows } = await client.query<{ schema: string; name: string }>(
    `SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'S' AND n.nspname = ANY($1) ORDER BY 1, 2`,
    [SCHEMAS],
  );
  return rows;
}

/** The schema versions of a live database: what a dump records and a restore compares with. */
export async function schemaVersions(client: pg.ClientBase): Promise<Pick<DatabaseDump, 'schemaMigration' | 'queueMigration'>> {
  const { rows } = await client.query<{ kysely: string | null; queue: string | null }>(
    `SELECT to_regclass('public.kysely_migration') AS kysely, to_regclass('graphile_worker.migrations') AS queue`,
  );
  const found = rows[0]!;
  const schemaMigration = found.kysely
    ? ((await client.query<{ name: string }>('SELECT name FROM public.kysely_migration ORDER BY name DESC LIMIT 1')).rows[0]?.name ?? null)
    : null;
  const queueMigration = found.queue
    ? ((await client.query<{ id: number }>('SELECT max(id)::int AS id FROM graphile_worker.migrations')).rows[0]?.id ?? null)
    : null;
  return { schemaMigration, queueMigration };
}

/**
 * Writes every table into `dir` (as `db/<schema>.<table>.copy`) from one snapshot. `during` runs while
 * that snapshot is still open, e.g. to copy files that must not be older than the rows naming them.
 */
export async function dumpDatabase(client: pg.ClientBase, dir: string, during?: () => Promise<void>): Promise<DatabaseDump> {
  fs.mkdirSync(path.join(dir, 'db'), { recursive: true });
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    // Large objects live outside every table (pg_largeobject): COPY of the tables would silently leave
    // them out. Nothing of Officina makes them; a change that does must extend the backup first.
    const { rows: large } = await client.query('SELECT 1 FROM pg_largeobject_metadata LIMIT 1');
    if (large.length) throw new Error('the database holds large objects (pg_largeobject), which this backup does not cover');
    const versions = await schemaVersions(client);
    const tables: TableDump[] = [];
    for (const t of await listTables(client)) {
      const file = `db/${t.schema}.${t.name}.copy`;
      const stream = client.query(copyTo(`COPY ${qualified(t.schema, t.name)} (${t.columns.map(ident).join(', ')}) TO STDOUT`));
      await pipeline(stream, fs.createWriteStream(path.join(dir, file), { mode: 0o600 }));
      tables.push({ ...t, rows: stream.rowCount, file });
    }
    // Sequences are outside transactions: a value read now is at least the one of the snapshot, so
    // restored rows never collide with the next ids handed out (pg_dump reads them the same way).
    const sequences: SequenceValue[] = [];
    for (const s of await listSequences(client)) {
      const { rows } = await client.query<{ last_value: string; is_called: boolean }>(`SELECT last_value::text, is_called FROM ${qualified(s.schema, s.name)}`);
      sequences.push({ ...s, lastValue: rows[0]!.last_value, isCalled: rows[0]!.is_called });
    }
    await during?.();
    await client.query('COMMIT');
    return { tables, sequences, ...versions };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

/** True when some table of our schemas holds a row: a restore would overwrite something. */
export async function databaseHasRows(client: pg.Pool): Promise<boolean> {
  for (const t of await listTables(client)) {
    const { rows } = await client.query(`SELECT 1 FROM ${qualified(t.schema, t.name)} LIMIT 1`);
    if (rows.length) return true;
  }
  return false;
}

/**
 * Drops both schemas and gives back an empty public one, so the migrator builds exactly the archive's
 * schema (one simple query: one implicit transaction).
 */
export async function emptySchemas(pool: pg.Pool): Promise<void> {
  await pool.query(`${SCHEMAS.map((s) => `DROP SCHEMA IF EXISTS ${ident(s)} CASCADE;`).join(' ')} CREATE SCHEMA public;`);
}

/**
 * Referenced tables before the tables that reference them, so the foreign keys (which stay on) find
 * their rows. A table referencing itself is fine: COPY checks its keys once the statement ends.
 */
async function dependencyOrder(client: pg.ClientBase, tables: TableDump[]): Promise<TableDump[]> {
  const { rows } = await client.query<{ from_schema: string; from_name: string; to_schema: string; to_name: string }>(
    `SELECT fn.nspname AS from_schema, fc.relname AS from_name, tn.nspname AS to_schema, tc.relname AS to_name
       FROM pg_constraint k
       JOIN pg_class fc ON fc.oid = k.conrelid JOIN pg_namespace fn ON fn.oid = fc.relnamespace
       JOIN pg_class tc ON tc.oid = k.confrelid JOIN pg_namespace tn ON tn.oid = tc.relnamespace
      WHERE k.contype = 'f' AND fn.nspname = ANY($1)`,
    [SCHEMAS],
  );
  const key = (schema: string, name: string) => `${schema}.${name}`;
  const needs = new Map<string, Set<string>>();
  for (const r of rows) {
    const from = key(r.from_schema, r.from_name);
    const to = key(r.to_schema, r.to_name);
    if (from !== to) needs.set(from, (needs.get(from) ?? new Set()).add(to));
  }
  const ordered: TableDump[] = [];
  const placed = new Set<string>();
  let rest = tables;
  while (rest.length) {
    const ready = rest.filter((t) =>
      [...(needs.get(key(t.schema, t.name)) ?? [])].every((d) => placed.has(d) || !tables.some((x) => key(x.schema, x.name) === d)),
    );
    if (!ready.length) throw new Error(`foreign keys form a cycle between ${rest.map((t) => key(t.schema, t.name)).join(', ')}`);
    for (const t of ready) {
      ordered.push(t);
      placed.add(key(t.schema, t.name));
    }
    rest = rest.filter((t) => !ready.includes(t));
  }
  return ordered;
}

/**
 * Puts the dumped rows back into a database whose schemas match the dump's versions, in one
 * transaction: every table emptied, then filled in dependency order with the tables' own triggers off
 * (they would recount seats or log revisions that the dump already holds), then the sequences set.
 */
export async function restoreDatabase(client: pg.ClientBase, dir: string, dump: Pick<DatabaseDump, 'tables' | 'sequences'>): Promise<void> {
  const present = await listTables(client);
  const missing = dump.tables.filter((t) => !present.some((p) => p.schema === t.schema && p.name === t.name));
  if (missing.length) throw new Error(`tables of the archive missing after migrating: ${missing.map((t) => `${t.schema}.${t.name}`).join(', ')}`);
  const ordered = await dependencyOrder(client, dump.tables);
  await client.query('BEGIN');
  try {
    await client.query(`TRUNCATE ${present.map((t) => qualified(t.schema, t.name)).join(', ')}`);
    for (const t of ordered) {
      const table = qualified(t.schema, t.name);
      await client.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
      const stream = client.query(copyFrom(`COPY ${table} (${t.columns.map(ident).join(', ')}) FROM STDIN`));
      await pipeline(fs.createReadStream(path.join(dir, t.file)), stream);
      // Deferred foreign keys (material_chunks → material_objects) leave their checks pending, and
      // ALTER TABLE refuses a table with pending trigger events: check them now (parents are already in).
      await client.query('SET CONSTRAINTS ALL IMMEDIATE');
      await client.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
      if (stream.rowCount !== t.rows) throw new Error(`${t.schema}.${t.name}: ${stream.rowCount} rows restored, ${t.rows} in the archive`);
    }
    for (const s of dump.sequences) {
      const exists = await client.query('SELECT to_regclass($1) AS oid', [qualified(s.schema, s.name)]);
      if (exists.rows[0].oid === null) continue;
      await client.query('SELECT setval($1::regclass, $2::bigint, $3)', [qualified(s.schema, s.name), s.lastValue, s.isCalled]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

/** The graphile-worker revision migrated into `schema` (a throw-away probe schema). */
export async function queueRevisionIn(pool: pg.Pool, schema: string): Promise<number> {
  return (await pool.query<{ id: number }>(`SELECT max(id)::int AS id FROM "${schema}".migrations`)).rows[0]!.id;
}

export async function dropSchema(pool: pg.Pool, schema: string): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

/** The other client connections to this database, and who they are (application name or address). */
export async function otherClients(pool: pg.Pool): Promise<{ n: number; names: string }> {
  const { rows } = await pool.query<{ n: number; names: string }>(
    `SELECT count(*)::int AS n, string_agg(DISTINCT coalesce(nullif(application_name, ''), client_addr::text, 'local'), ', ') AS names
       FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
  );
  return rows[0]!;
}
