/**
 * What one Postgres schema holds, as its catalogs tell it: every object with its OID and its
 * definition, and every table's rows. An object dropped and created again gets a new OID, so two
 * equal snapshots mean nothing in the schema was re-created, altered or written in between.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { ExecutionsDatabase } from '../../src/db/database.js';
import { select } from './select.js';

export interface SchemaSnapshot {
  /** Tables, indexes (with their definitions), sequences and the like, with storage options. */
  relations: string[];
  /** Enums with their labels. */
  types: string[];
  columns: string[];
  constraints: string[];
  /** Triggers a user created: the internal ones of foreign keys follow their constraints. */
  triggers: string[];
  /** Functions by signature and OID. */
  functions: string[];
  functionBodies: string[];
  statistics: string[];
  /** Each table's row count and a hash of its rows. */
  rows: string[];
}

/** One line per catalog row: its columns joined, so that a difference reads as a line. */
async function lines(db: ExecutionsDatabase, query: SQL): Promise<string[]> {
  return (await select(db, query)).map((row) => Object.values(row).map(String).join(' '));
}

/** An extension's functions (search's pg_trgm and btree_gin, in whatever schema) are not the module's. */
const notExtension = sql.raw(
  `and not exists (select from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')`,
);

/** The snapshot of `schema`; empty lists when there is no such schema. */
export async function snapshotSchema(db: ExecutionsDatabase, schema: string): Promise<SchemaSnapshot> {
  const namespace = sql`to_regnamespace(${schema})`;
  const tables = await select(
    db,
    sql`select relname as name from pg_class where relnamespace = ${namespace} and relkind in ('r', 'p') order by 1`,
  );
  const rows: string[] = [];
  for (const { name } of tables) {
    const table = sql`${sql.identifier(schema)}.${sql.identifier(String(name))}`;
    const [row] = await select(
      db,
      sql`select count(*) as n, md5(coalesce(string_agg(t::text, E'\n' order by t::text), '')) as hash from ${table} t`,
    );
    rows.push(`${String(name)}: ${String(row!.n)} rows, ${String(row!.hash)}`);
  }
  return {
    relations: await lines(
      db,
      sql`select c.relname, c.relkind, '#' || c.oid, coalesce(array_to_string(c.reloptions, ','), ''),
                 case when c.relkind = 'i' then pg_get_indexdef(c.oid) else '' end
            from pg_class c where c.relnamespace = ${namespace} order by 1`,
    ),
    types: await lines(
      db,
      sql`select t.typname, '#' || t.oid,
                 array_to_string(array(select e.enumlabel from pg_enum e where e.enumtypid = t.oid order by e.enumsortorder), ',')
            from pg_type t where t.typnamespace = ${namespace} and t.typtype = 'e' order by 1`,
    ),
    columns: await lines(
      db,
      sql`select c.relname || '.' || a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attgenerated,
                 coalesce(pg_get_expr(d.adbin, d.adrelid), '')
            from pg_attribute a
            join pg_class c on c.oid = a.attrelid
            left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
           where c.relnamespace = ${namespace} and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
           order by c.relname, a.attnum`,
    ),
    constraints: await lines(
      db,
      sql`select c.relname, con.conname, '#' || con.oid, pg_get_constraintdef(con.oid)
            from pg_constraint con join pg_class c on c.oid = con.conrelid
           where con.connamespace = ${namespace} order by 1, 2`,
    ),
    triggers: await lines(
      db,
      sql`select c.relname, t.tgname, '#' || t.oid, t.tgenabled, pg_get_triggerdef(t.oid)
            from pg_trigger t join pg_class c on c.oid = t.tgrelid
           where c.relnamespace = ${namespace} and not t.tgisinternal order by 1, 2`,
    ),
    functions: await lines(
      db,
      sql`select p.proname, p.oid::regprocedure::text, '#' || p.oid from pg_proc p where p.pronamespace = ${namespace} ${notExtension} order by 1, 2`,
    ),
    functionBodies: await lines(
      db,
      sql`select pg_get_functiondef(p.oid) from pg_proc p where p.pronamespace = ${namespace} ${notExtension} order by p.oid::regprocedure::text`,
    ),
    statistics: await lines(
      db,
      sql`select s.stxname, '#' || s.oid, pg_get_statisticsobjdef(s.oid)
            from pg_statistic_ext s where s.stxnamespace = ${namespace} order by 1`,
    ),
    rows,
  };
}
