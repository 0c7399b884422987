-- Bytes each user stores, kept by a trigger in the same transaction as every image insert and
-- delete: the dashboard and the quota check read one row instead of summing all of a user's
-- images (5 ms at 20,000 images, on every dashboard view).
alter table users add column used_bytes bigint not null default 0;
update users u set used_bytes = coalesce((select sum(i.bytes) from images i where i.user_id = u.id), 0);

create function track_used_bytes() returns trigger language plpgsql as $$
begin
  if tg_op in ('DELETE', 'UPDATE') then
    update users set used_bytes = used_bytes - old.bytes where id = old.user_id;
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    update users set used_bytes = used_bytes + new.bytes where id = new.user_id;
  end if;
  return null;
end $$;

create trigger images_used_bytes after insert or delete or update of bytes, user_id on images
  for each row execute function track_used_bytes();
