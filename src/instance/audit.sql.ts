import type { Queryable, Sql } from '../db/client.ts';

/** Who did it: an admin, named as they are now (the log keeps the name should the account go). */
export type Actor = { id: string; username: string };

export type AuditEntry = { id: string; at: Date; actor: string; action: string; target: string; detail: string };

/** Records an admin action; in the action's own transaction, so the log never misses one. */
export async function audit(sql: Queryable, actor: Actor, action: string, target = '', detail = '') {
  await sql`insert into audit_log (actor_id, actor, action, target, detail)
    values (${actor.id}, ${actor.username}, ${action}, ${target}, ${detail.slice(0, 2000)})`;
}

/** One page of the log, newest first, from a keyset cursor (`limit + 1` rows: another page exists). */
export function auditPage(sql: Sql, before: string | undefined, limit: number) {
  return sql<AuditEntry[]>`
    select a.id::text as id, a.at, a.actor, a.action, a.target, a.detail from audit_log a
    ${before ? sql`where a.id < ${before}::bigint` : sql``}
    order by a.id desc limit ${limit + 1}`;
}
