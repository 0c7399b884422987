-- Which public images each public_version changed (sql/0006), by where they sort: a cached page
-- of a keyset list shows one stretch of each order, and a change outside that stretch leaves it
-- as it was. Under a stream of uploads (all at the newest end) the deep pages stay cached.
--
-- A version with rows here changed exactly those images (their old and new places); a version
-- without rows (an album, a moderator, a disabled account, the settings, a statement changing
-- more than 200 public images, or rows pruned since) may have changed anything: every cached page
-- renders again. The counter's row lock makes versions commit in order, so a reader sees every
-- row of every version up to the one it reads.
create table public_changes (
  n bigint not null,
  created_at timestamptz not null,
  taken_sort timestamptz not null,
  bytes bigint not null
);
create index public_changes_n_idx on public_changes (n);

-- Once per statement rather than per row: a statement changing many images (an account disabled
-- or deleted, a bulk action) is one version. Readers look back 100 versions at most (older:
-- anything may have changed), so a thousand are plenty; each version prunes a bounded stretch
-- rather than scanning from the oldest row.
create function record_public_changes() returns trigger language plpgsql as $$
declare
  v bigint;
  changed integer;
begin
  -- The rows public lists show or showed, up to one more than a version names one by one.
  if tg_op = 'INSERT' then
    select count(*) into changed from (select 1 from new_rows where visibility = 'public' limit 201) x;
  elsif tg_op = 'DELETE' then
    select count(*) into changed from (select 1 from old_rows where visibility = 'public' and deleted_at is null limit 201) x;
  else
    select count(*) into changed from (select 1 from old_rows o join new_rows n using (id)
      where (o.visibility = 'public' and o.deleted_at is null) or (n.visibility = 'public' and n.deleted_at is null) limit 201) x;
  end if;
  if changed = 0 then
    return null;
  end if;
  update public_version set n = n + 1 returning n into v;
  if changed <= 200 then
    if tg_op = 'INSERT' then
      insert into public_changes select v, created_at, taken_sort, bytes from new_rows where visibility = 'public';
    elsif tg_op = 'DELETE' then
      insert into public_changes select v, created_at, taken_sort, bytes from old_rows where visibility = 'public' and deleted_at is null;
    else
      insert into public_changes
      select v, k.created_at, k.taken_sort, k.bytes from (
        select o.created_at, o.taken_sort, o.bytes, n.created_at as new_created, n.taken_sort as new_taken, n.bytes as new_bytes
        from old_rows o join new_rows n using (id)
        where (o.visibility = 'public' and o.deleted_at is null) or (n.visibility = 'public' and n.deleted_at is null)
      ) c cross join lateral (values (c.created_at, c.taken_sort, c.bytes), (c.new_created, c.new_taken, c.new_bytes)) k (created_at, taken_sort, bytes)
      group by k.created_at, k.taken_sort, k.bytes;
    end if;
  end if;
  delete from public_changes where n between v - 1200 and v - 1000;
  return null;
end $$;

-- What public lists show changes through the same rows as before (sql/0006, sql/0010).
drop trigger images_public_insert on images;
drop trigger images_public_update on images;
drop trigger images_public_delete on images;
create trigger images_public_insert after insert on images
  referencing new table as new_rows for each statement execute function record_public_changes();
create trigger images_public_update after update on images
  referencing old table as old_rows new table as new_rows for each statement execute function record_public_changes();
create trigger images_public_delete after delete on images
  referencing old table as old_rows for each statement execute function record_public_changes();
