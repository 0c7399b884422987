import type { PendingQuery, ReservedSql, Row } from 'postgres';
import type { Sql } from '../db/client.ts';

/** A node of PostgreSQL's `explain (analyze, buffers, format json)` plan, as the plan tests read it. */
export type PlanNode = {
  'Node Type': string;
  'Index Name'?: string;
  'Shared Hit Blocks': number;
  'Shared Read Blocks': number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
};

export const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];
export const buffers = (n: PlanNode) => n['Shared Hit Blocks'] + n['Shared Read Blocks'];
/** "Limit > Nested Loop > Index Scan images_public_created_idx > ...", for failure messages. */
export const shape = (n: PlanNode) => nodes(n).map((x) => `${x['Node Type']}${x['Index Name'] ? ` ${x['Index Name']}` : ''}`).join(' > ');

/** `explain (analyze, buffers, format json)` of one of the app's queries, planned for its values. */
export async function explainPlan<T extends readonly Row[]>(sql: Sql, query: PendingQuery<T>) {
  const [row] = await sql`explain (analyze, buffers, format json) ${query}`;
  return (row!['QUERY PLAN'] as [{ Plan: PlanNode }])[0].Plan;
}

/**
 * The plan every request after the fifth runs, when a query's prepared statement settles on its
 * generic plan (planned without its values), run with `query`'s values. PostgreSQL 15 cannot
 * explain a generic plan directly: the statement is prepared under a name of its own and
 * executed with `plan_cache_mode = force_generic_plan`.
 */
export async function explainGeneric<T extends readonly Row[]>(sql: Sql, query: PendingQuery<T>) {
  const { string, types } = await query.describe();
  // describe() builds the statement as postgres.js sends it: its text, and its values in order.
  const values = (query as unknown as { parameters: unknown[] }).parameters.map((v) => (v === null ? null : String(v)));
  const one = await sql.reserve(); // a prepared statement and a setting are each connection's own
  try {
    // Its parameters' types, and its values as literals of them (EXPLAIN EXECUTE takes no parameters).
    const [{ names, args }] = await one<{ names: string; args: string }[]>`
      select coalesce(string_agg(format_type(t, null), ', ' order by n), '') as names,
             coalesce(string_agg(quote_nullable(v) || '::' || format_type(t, null), ', ' order by n), '') as args
      from unnest(${types}::oid[], ${values}::text[]) with ordinality p(t, v, n)`;
    await one.unsafe(`prepare generic_probe ${names ? `(${names})` : ''} as ${string}`);
    try {
      await one`set plan_cache_mode = force_generic_plan`;
      const [row] = await one.unsafe(`explain (analyze, buffers, format json) execute generic_probe ${args ? `(${args})` : ''}`);
      return (row!['QUERY PLAN'] as [{ Plan: PlanNode }])[0].Plan;
    } finally {
      await one`deallocate generic_probe`;
    }
  } finally {
    await one`reset plan_cache_mode`;
    one.release();
  }
}

/**
 * How many runs of the statement `run` prepares (the one whose text holds every one of `texts`)
 * were planned for their values, and how many ran the generic plan. On a connection of its own:
 * prepared statements are each connection's own.
 */
export async function planCounts(sql: Sql, texts: string[], run: (one: ReservedSql) => Promise<void>) {
  const one = await sql.reserve();
  try {
    await run(one);
    const rows = await one<{ statement: string; generic: number; custom: number }[]>`
      select statement, generic_plans::int as generic, custom_plans::int as custom from pg_prepared_statements`;
    const found = rows.filter((r) => texts.every((t) => r.statement.includes(t)));
    if (found.length !== 1) throw new Error(`${found.length} prepared statements, not one, hold ${texts.join(' and ')}`);
    return { generic: found[0]!.generic, custom: found[0]!.custom };
  } finally {
    one.release();
  }
}
