import type { Sql } from '../db/client.ts';

export type OutboxRow = { id: string; kind: string; recipient: string; data: Record<string, string>; origin: string; attempts: number };

export async function insertMail(sql: Sql, m: Pick<OutboxRow, 'kind' | 'recipient' | 'data' | 'origin'>) {
  await sql`insert into mail_outbox (kind, recipient, data, origin)
            values (${m.kind}, ${m.recipient}, ${sql.json(m.data)}, ${m.origin})`;
}

/**
 * Claims up to `limit` due mails for `leaseMs`: each claim counts as an attempt and moves the
 * row's next attempt past the lease, so another instance skips it now and takes it again only if
 * this one never reports back. SKIP LOCKED lets every free instance claim a different batch.
 * The rows are chosen once, in a materialized CTE: chosen in `where id in (...)`, the choice
 * could be made again during the update (each time skipping the rows it had just claimed), and
 * a claim of one row took two; the second waited out its lease unsent (bench/HISTORY.md, "Mail claimed once").
 */
export async function claimDue(sql: Sql, limit: number, leaseMs: number) {
  return sql<OutboxRow[]>`
    with due as materialized (
      select id from mail_outbox where next_attempt_at <= now() order by id limit ${limit} for update skip locked)
    update mail_outbox m set attempts = m.attempts + 1, next_attempt_at = now() + ${leaseMs} * interval '1 millisecond'
    from due where m.id = due.id
    returning m.id::text, m.kind, m.recipient, m.data, m.origin, m.attempts`;
}

export async function deleteMail(sql: Sql, id: string) {
  await sql`delete from mail_outbox where id = ${id}`;
}

export async function retryLater(sql: Sql, id: string, delayMs: number, error: string) {
  await sql`update mail_outbox set next_attempt_at = now() + ${delayMs} * interval '1 millisecond', last_error = ${error.slice(0, 500)}
            where id = ${id}`;
}
