// Every write to what the public reads (cycles and their seat counts, sessions, materials, themes, and
// registrations) notifies the channel `officina_cache`, in the writing transaction, so every app process
// drops its cached catalogue, cycle pages and feeds when (and only when) the write commits.
// The payload is the id of the changed cycle, or '*' (themes, or a statement touching many cycles).
// Statement-level triggers with transition tables: a multi-row insert of a batch of sign-ups fires once,
// and PostgreSQL delivers identical notifications of one transaction once.
// Frozen in time: never import application code here, never edit after it has shipped; add a new file.
import { type Kysely, sql } from 'kysely';

/** Table, the column naming its cycle ('' for "everything"), a column whose change alone is no news. */
const TABLES: [table: string, cycleColumn: string, ignoredColumn: string][] = [
  ['cycles', 'id', ''],
  ['sessions', 'cycle_id', ''],
  // The download counter is not shown to the public; counting a download must not empty the cache.
  ['materials', 'cycle_id', 'download_count'],
  ['registrations', 'cycle_id', ''],
  ['themes', '', ''],
];

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- TG_ARGV[0]: the cycle column ('' = notify '*'); TG_ARGV[1]: a column ignored on UPDATE ('' = none).
    -- The transition table is always called "changed" (the NEW rows, or the OLD ones for DELETE); on
    -- UPDATE "before" holds the old rows.
    CREATE FUNCTION officina_cache_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      ids text[];
    BEGIN
      IF TG_ARGV[0] = '' THEN
        PERFORM pg_notify('officina_cache', '*');
        RETURN NULL;
      END IF;
      IF TG_OP = 'UPDATE' AND TG_ARGV[1] <> '' THEN
        EXECUTE format(
          'SELECT array_agg(DISTINCT n.%1$I::text) FROM changed n JOIN before o ON o.id = n.id
            WHERE (to_jsonb(n) - %2$L) IS DISTINCT FROM (to_jsonb(o) - %2$L)', TG_ARGV[0], TG_ARGV[1]) INTO ids;
      ELSE
        EXECUTE format('SELECT array_agg(DISTINCT %I::text) FROM changed', TG_ARGV[0]) INTO ids;
      END IF;
      IF ids IS NULL THEN
        RETURN NULL;
      END IF;
      -- One notification per cycle keeps the other cycles' pages cached; past a few, '*' is cheaper.
      IF array_length(ids, 1) > 16 THEN
        PERFORM pg_notify('officina_cache', '*');
      ELSE
        PERFORM pg_notify('officina_cache', id) FROM unnest(ids) AS id;
      END IF;
      RETURN NULL;
    END $$;
  `.execute(db);
  for (const [table, column, ignored] of TABLES) {
    const t = sql.table(table);
    const args = sql.raw(`'${column}', '${ignored}'`);
    // A trigger with transition tables names one event, hence three per table.
    await sql`
      CREATE TRIGGER ${sql.id(`${table}_cache_notify_ins`)} AFTER INSERT ON ${t}
        REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION officina_cache_notify(${args});
      CREATE TRIGGER ${sql.id(`${table}_cache_notify_upd`)} AFTER UPDATE ON ${t}
        REFERENCING NEW TABLE AS changed OLD TABLE AS before FOR EACH STATEMENT EXECUTE FUNCTION officina_cache_notify(${args});
      CREATE TRIGGER ${sql.id(`${table}_cache_notify_del`)} AFTER DELETE ON ${t}
        REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION officina_cache_notify(${args});
    `.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [table] of TABLES) {
    for (const suffix of ['ins', 'upd', 'del']) {
      await sql`DROP TRIGGER ${sql.id(`${table}_cache_notify_${suffix}`)} ON ${sql.table(table)}`.execute(db);
    }
  }
  await sql`DROP FUNCTION officina_cache_notify()`.execute(db);
}
