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

/** Keeps what the janitor's last pass did, for the admin's overview (sql/0014). */
export async function recordRun(sql: Sql, r: { trashed: number; retried: number; orphans: number }) {
  await sql`insert into janitor_last_run (finished_at, trashed, retried, orphans) values (now(), ${r.trashed}, ${r.retried}, ${r.orphans})
    on conflict (singleton) do update set finished_at = now(), trashed = excluded.trashed, retried = excluded.retried, orphans = excluded.orphans`;
}
