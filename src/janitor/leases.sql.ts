import type { Sql } from '../db/client.ts';

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

/** Keeps what the janitor's last pass did, for the admin's overview (sql/0014), and where its sweep stopped (sql/0020). */
export async function recordRun(sql: Sql, r: { trashed: number; retried: number; orphans: number }, sweptTo: string | null) {
  await sql`insert into janitor_last_run (finished_at, trashed, retried, orphans, swept_to) values (now(), ${r.trashed}, ${r.retried}, ${r.orphans}, ${sweptTo})
    on conflict (singleton) do update set finished_at = now(), trashed = excluded.trashed, retried = excluded.retried, orphans = excluded.orphans, swept_to = excluded.swept_to`;
}

/** The key the last pass's sweep stopped after; null when it reached the last key (or never ran). */
export async function sweptTo(sql: Sql): Promise<string | null> {
  const [row] = await sql<{ swept_to: string | null }[]>`select swept_to from janitor_last_run`;
  return row?.swept_to ?? null;
}
