import type { Sql } from '../db/client.ts';

/** The instance at a glance, for /admin. */
export async function overview(sql: Sql) {
  const [row] = await sql<[{
    accounts: number; disabled: number; images: number; bytes: number; uploads_day: number;
    open_reports: number; mail_waiting: number; janitor_at: Date | null; trashed: number | null; retried: number | null; orphans: number | null;
  }]>`
    select (select count(*) from users)::int as accounts,
           (select count(*) from users where disabled_at is not null)::int as disabled,
           (select count(*) from images where deleted_at is null)::int as images,
           (select coalesce(sum(used_bytes), 0) from users)::float8 as bytes,
           (select count(*) from images where created_at > now() - interval '1 day')::int as uploads_day,
           (select count(distinct coalesce(r.image_id, r.album_id)) from reports r left join images i on i.id = r.image_id
            where r.resolved_at is null and i.deleted_at is null)::int as open_reports,
           (select count(*) from mail_outbox)::int as mail_waiting,
           j.finished_at as janitor_at, j.trashed, j.retried, j.orphans
    from (select 1) one left join janitor_last_run j on true`;
  return row;
}
