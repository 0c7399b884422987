-- The quota bounds what is really stored: every object an image keeps (original, metadata-free
-- copy, derivatives), not only the original. Rows from before this migration are charged their
-- original and clean copy; their derivatives (a few hundred KB each) were not measured then.
alter table images add column stored_bytes bigint;
update images set stored_bytes = bytes + clean_bytes;
alter table images alter column stored_bytes set not null;

create or replace function track_used_bytes() returns trigger language plpgsql as $$
begin
  if tg_op in ('DELETE', 'UPDATE') then
    update users set used_bytes = used_bytes - old.stored_bytes where id = old.user_id;
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    update users set used_bytes = used_bytes + new.stored_bytes where id = new.user_id;
  end if;
  return null;
end $$;

drop trigger images_used_bytes on images;
create trigger images_used_bytes after insert or delete or update of stored_bytes, user_id on images
  for each row execute function track_used_bytes();
update users u set used_bytes = coalesce((select sum(i.stored_bytes) from images i where i.user_id = u.id), 0);
