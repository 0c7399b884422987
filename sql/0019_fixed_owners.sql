-- An image never changes owner and a user never changes name. Lists read only their images'
-- keys and take the rest of each row, the owner's name included, from what an instance keeps
-- by the row's revision (src/images/rows.ts): an owner or a name that changed would not move
-- that revision, and every instance would go on showing the old one. A feature that renames
-- must first tell every instance; until then the database refuses.
create function refuse_change() returns trigger language plpgsql as $$
begin
  raise exception '%.% never changes', tg_table_name, tg_argv[0] using errcode = 'check_violation';
end $$;
create trigger users_username_fixed before update of username on users
  for each row when (new.username is distinct from old.username) execute function refuse_change('username');
create trigger images_owner_fixed before update of user_id on images
  for each row when (new.user_id is distinct from old.user_id) execute function refuse_change('user_id');
