import type { Sql } from '../db/client.ts';

/** Queues `keys` for deletion; call it in the transaction that removes their rows. */
export async function queueDeletions(sql: Sql, keys: string[]) {
  if (keys.length === 0) return;
  // One array parameter: an account with thousands of images would pass PostgreSQL's limit of
  // 65,535 parameters with one per key.
  await sql`insert into pending_deletions (key) select unnest(${sql.array(keys)}::text[]) on conflict (key) do nothing`;
}

export async function dueDeletions(sql: Sql, limit: number) {
  const rows = await sql<{ key: string }[]>`
    select key from pending_deletions where next_attempt_at <= now() order by next_attempt_at limit ${limit}`;
  return rows.map((r) => r.key);
}

export async function clearDeletions(sql: Sql, keys: string[]) {
  if (keys.length === 0) return;
  await sql`delete from pending_deletions where key in ${sql(keys)}`;
}

/** Tries again later, backing off exponentially up to an hour. */
export async function postponeDeletions(sql: Sql, keys: string[], error: string) {
  if (keys.length === 0) return;
  await sql`
    update pending_deletions
    set attempts = attempts + 1, last_error = ${error},
        next_attempt_at = now() + least(interval '1 hour', interval '10 seconds' * power(2, attempts))
    where key in ${sql(keys)}`;
}

/**
 * Takes the named lease for `ms` if nobody else holds an unexpired one. Leases live in the
 * database, so across any number of instances one runs the job.
 */
export async function takeLease(sql: Sql, name: string, holder: string, ms: number) {
  const rows = await sql`
    insert into job_leases (name, holder, expires_at) values (${name}, ${holder}, now() + ${ms} * interval '1 millisecond')
    on conflict (name) do update set holder = excluded.holder, expires_at = excluded.expires_at
    where job_leases.expires_at < now() or job_leases.holder = excluded.holder
    returning name`;
  return rows.length === 1;
}

export async function releaseLease(sql: Sql, name: string, holder: string) {
  await sql`update job_leases set expires_at = now() where name = ${name} and holder = ${holder}`;
}
