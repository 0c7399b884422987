-- What public lists show changes only through `images` rows that are (or were) public. Every such
-- change bumps this counter in its own transaction, so a page rendered at version n is current
-- for as long as the counter reads n: any instance can cache rendered public pages and check
-- one row instead of re-running the list query.
create table public_version (n bigint not null);
insert into public_version values (0);

create function bump_public_version() returns trigger language plpgsql as $$
begin
  update public_version set n = n + 1;
  return null;
end $$;

create trigger images_public_insert after insert on images
  for each row when (new.visibility = 'public') execute function bump_public_version();
create trigger images_public_update after update on images
  for each row when (old.visibility = 'public' or new.visibility = 'public') execute function bump_public_version();
create trigger images_public_delete after delete on images
  for each row when (old.visibility = 'public') execute function bump_public_version();
